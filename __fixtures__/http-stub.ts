import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the stub received. */
export interface StubRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** What the stub answers to one request. */
export interface StubResponse {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: string
}

export interface HttpStub {
  /** `http://127.0.0.1:PORT`, for a client's `endpoint`. */
  readonly endpoint: string
  readonly requests: StubRequest[]
  stop(): Promise<void>
}

/**
 * An HTTP server on a free loopback port that answers every request with `respond`, so that a
 * real SDK client (its serialisation, retry strategy and redirects included) can be tested
 * without AWS. `aws-sdk-client-mock` replaces `send` and so skips all of that.
 */
export async function startHttpStub(
  respond: (request: StubRequest, nth: number) => StubResponse
): Promise<HttpStub> {
  const requests: StubRequest[] = []
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const request = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8')
      }
      requests.push(request)
      const response = respond(request, requests.length - 1)
      outgoing.writeHead(response.status, response.headers)
      outgoing.end(response.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error === undefined ? resolve() : reject(error)))
      })
  }
}

/** An Athena (JSON 1.1 protocol) error response. */
export function athenaError(status: number, type: string, message: string): StubResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type },
    body: JSON.stringify({ __type: type, message, Message: message })
  }
}
