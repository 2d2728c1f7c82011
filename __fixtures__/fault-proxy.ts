import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { Random } from '../scripts/generator/random.js'

/** What the proxy can do to a request instead of passing it through untouched. */
export const FAULTS = [
  /** HTTP 500 `InternalError`, which S3 answers now and then. */
  'internal-error',
  /** HTTP 503 `SlowDown`: how S3 itself says a prefix gets too many requests. */
  'slow-down',
  /** HTTP 429 `Throttling`, as an S3-compatible endpoint or a gateway in front of one may. */
  'throttling',
  /** The connection closed before any response. */
  'reset-before-headers',
  /** The status line and headers (Content-Length included) sent, then the connection closed. */
  'reset-after-headers',
  /** Half of the body sent, then the connection closed. */
  'reset-mid-body',
  /** The right response, after a pause, and its body in two pieces with a pause between. */
  'slow'
] as const
export type Fault = (typeof FAULTS)[number]

export interface FaultProxyOptions {
  /** Where requests go, such as moto's endpoint: `http://127.0.0.1:PORT`. */
  readonly target: string
  readonly seed: number
  /** The share of requests, in [0, 1], that get a fault. */
  readonly rate: number
  /** The faults to pick from, each as likely; all of them by default. */
  readonly faults?: readonly Fault[]
  /** The pause of a `slow` response, and again before the rest of its body. */
  readonly slowMs?: number
  /**
   * Decides instead of the seed and rate: the fault for the `nth` try (0 for the first) of the
   * request `METHOD URL`, or `undefined` to pass it through.
   */
  readonly schedule?: (request: string, nth: number) => Fault | undefined
}

export interface FaultProxy {
  /** Point the SDK here (an S3 client's `endpoint`, with `forcePathStyle`). */
  readonly endpoint: string
  /** Requests received, and how many got each fault. */
  counts(): { readonly requests: number } & Readonly<Record<Fault, number>>
  stop(): Promise<void>
}

/**
 * An HTTP proxy on a free loopback port that passes requests on to `target`, and hurts some of
 * them the way a real network and a busy S3 do. Which request is hurt, and how, depends only on
 * the seed, the request's method and URL, and how many times that same request came before: the
 * same run gets the same faults whatever order concurrent requests arrive in, and a retried
 * request gets a fresh draw, so at a rate below 1 it gets through in the end.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const faults = options.faults ?? FAULTS
  const slowMs = options.slowMs ?? 100
  const target = new URL(options.target)
  const upstream = new Agent({ keepAlive: true })
  const seen = new Map<string, number>()
  const counts = { requests: 0, ...Object.fromEntries(FAULTS.map((fault) => [fault, 0])) } as {
    requests: number
  } & Record<Fault, number>

  const decide = (request: IncomingMessage): Fault | undefined => {
    const id = `${request.method ?? ''} ${request.url ?? ''}`
    const nth = seen.get(id) ?? 0
    seen.set(id, nth + 1)
    if (options.schedule !== undefined) return options.schedule(id, nth)
    const random = new Random(hash(`${options.seed} ${nth} ${id}`))
    return random.chance(options.rate) ? random.pick(faults) : undefined
  }

  const server = createServer((request, response) => {
    counts.requests++
    const fault = decide(request)
    if (fault !== undefined) counts[fault]++
    void handle(request, response, fault).catch(() => response.socket?.destroy())
  })

  const handle = async (
    request: IncomingMessage,
    response: ServerResponse,
    fault: Fault | undefined
  ): Promise<void> => {
    const body = await readAll(request)
    switch (fault) {
      case 'internal-error':
        return s3Error(response, 500, 'InternalError', 'We encountered an internal error.')
      case 'slow-down':
        return s3Error(response, 503, 'SlowDown', 'Please reduce your request rate.')
      case 'throttling':
        return s3Error(response, 429, 'Throttling', 'Rate exceeded')
      case 'reset-before-headers':
        request.socket.destroy()
        return
    }
    if (fault === 'slow') await delay(slowMs)
    const answer = await forward(request, body)
    response.writeHead(answer.status, answer.headers)
    switch (fault) {
      case 'reset-after-headers':
        response.flushHeaders()
        // The client reads what was sent before it sees the connection go.
        await delay(10)
        response.socket?.destroy()
        return
      case 'reset-mid-body': {
        const half = answer.body.subarray(0, Math.floor(answer.body.length / 2))
        await new Promise<void>((resolve) => response.write(half, () => resolve()))
        await delay(10)
        response.socket?.destroy()
        return
      }
      case 'slow': {
        const half = Math.floor(answer.body.length / 2)
        response.write(answer.body.subarray(0, half))
        await delay(slowMs)
        response.end(answer.body.subarray(half))
        return
      }
      default:
        response.end(answer.body)
    }
  }

  const forward = (
    request: IncomingMessage,
    body: Buffer
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          agent: upstream,
          hostname: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers
        },
        (answer) => {
          readAll(answer).then(
            (answerBody) =>
              resolve({
                status: answer.statusCode ?? 502,
                headers: answer.headers,
                body: answerBody
              }),
            reject
          )
        }
      )
      outgoing.on('error', reject)
      outgoing.end(body)
    })

  // Longer than any test: a client that reuses an idle connection just as the server drops it
  // gets a reset the seed did not choose, and one request more than the same run before.
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    async stop() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      upstream.destroy()
    }
  }
}

/** An error as S3 writes it: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html */
function s3Error(response: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>FAULTPROXY</RequestId></Error>`
  response.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body)
  })
  response.end(body)
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** FNV-1a: a request's identity as a seed. */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}
