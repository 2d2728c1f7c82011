import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Comment {
  id: number
  body: string
}

/**
 * Plays the few GitHub REST endpoints the PR comment uses, for one repository, on a loopback
 * port: list, create and update issue comments. `denyWrites` answers writes with 403, as GitHub
 * does for a read-only token; `failNext` answers the next requests with these statuses (a 502 from
 * GitHub's front end, say), one each; `failAfterNextWrite` does the next write, then answers it
 * with that status, as when a response is lost on its way back.
 */
export class FakeGitHubApi {
  readonly comments: Comment[] = []
  readonly requests: string[] = []
  denyWrites = false
  readonly failNext: number[] = []
  failAfterNextWrite: number | undefined
  private server: Server | undefined
  private nextId = 1000

  constructor(
    private readonly owner: string,
    private readonly repo: string
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(([status, body, link]) => {
        const headers = { 'content-type': 'application/json', ...(link ? { link } : {}) }
        response.writeHead(status, headers)
        response.end(JSON.stringify(body))
      })
    })
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve))
    const { port } = this.server.address() as AddressInfo
    return `http://127.0.0.1:${port}`
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve))
  }

  /** Answers with a status, a JSON body, and a `Link` header when a next page exists. */
  private async handle(request: IncomingMessage): Promise<[number, unknown, string?]> {
    const answer = await this.answer(request)
    if (request.method === 'GET' || this.failAfterNextWrite === undefined) return answer
    const status = this.failAfterNextWrite
    this.failAfterNextWrite = undefined
    return [status, { message: 'Server Error' }]
  }

  private async answer(request: IncomingMessage): Promise<[number, unknown, string?]> {
    const url = new URL(request.url ?? '/', 'http://localhost')
    this.requests.push(`${request.method} ${url.pathname}`)
    const base = `/repos/${this.owner}/${this.repo}/issues`
    const text = await new Promise<string>((resolve) => {
      let data = ''
      request.on('data', (chunk: Buffer) => (data += chunk.toString()))
      request.on('end', () => resolve(data))
    })
    const failure = this.failNext.shift()
    if (failure !== undefined) return [failure, { message: 'Server Error' }]
    const listMatch = new RegExp(`^${base}/(\\d+)/comments$`).exec(url.pathname)
    if (listMatch && request.method === 'GET') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      const next = new URL(url)
      next.searchParams.set('page', String(page + 1))
      const link =
        page * perPage < this.comments.length
          ? `<http://${request.headers.host}${next.pathname}${next.search}>; rel="next"`
          : undefined
      return [200, this.comments.slice((page - 1) * perPage, page * perPage), link]
    }
    if (this.denyWrites) return [403, { message: 'Resource not accessible by integration' }]
    if (listMatch && request.method === 'POST') {
      const comment = { id: this.nextId++, body: (JSON.parse(text) as Comment).body }
      this.comments.push(comment)
      return [201, comment]
    }
    const updateMatch = new RegExp(`^${base}/comments/(\\d+)$`).exec(url.pathname)
    if (updateMatch && request.method === 'PATCH') {
      const comment = this.comments.find((c) => c.id === Number(updateMatch[1]))
      if (comment === undefined) return [404, { message: 'Not Found' }]
      comment.body = (JSON.parse(text) as Comment).body
      return [200, comment]
    }
    return [404, { message: 'Not Found' }]
  }
}
