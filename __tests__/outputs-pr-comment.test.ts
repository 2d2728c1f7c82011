import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeGitHubApi } from '../__fixtures__/github-api.js'
import type { Log } from '../src/run/log.js'
import { commentMarker, upsertComment, type PullRequestTarget } from '../src/outputs/pr-comment.js'

const log: Log = {
  info: vi.fn(),
  warning: vi.fn(),
  debug: vi.fn(),
  group: (_name, work) => work()
}
const waits: number[] = []
/** No real waiting; `random` 0.5 makes each backoff half its cap. */
const context = {
  log,
  sleep: async (ms: number) => {
    waits.push(ms)
  },
  random: () => 0.5
}

describe('pull request comment', () => {
  let api: FakeGitHubApi
  let target: PullRequestTarget

  beforeEach(async () => {
    api = new FakeGitHubApi('octo', 'infra')
    const apiUrl = await api.start()
    target = {
      apiUrl,
      token: 'ghs_test',
      owner: 'octo',
      repo: 'infra',
      number: 7,
      key: 'audit/report'
    }
    vi.mocked(log.warning).mockClear()
    waits.length = 0
  })

  afterEach(() => api.stop())

  it('creates one comment, then updates it in place', async () => {
    api.comments.push({ id: 1, body: 'LGTM' })
    expect(await upsertComment(target, 'first report', context)).toBe('created')
    expect(await upsertComment(target, 'second report', context)).toBe('updated')
    expect(api.comments).toEqual([
      { id: 1, body: 'LGTM' },
      { id: 1000, body: '<!-- cloudtrail-athena-report: audit/report -->\nsecond report' }
    ])
    expect(api.requests).toEqual([
      'GET /repos/octo/infra/issues/7/comments',
      'POST /repos/octo/infra/issues/7/comments',
      'GET /repos/octo/infra/issues/7/comments',
      'PATCH /repos/octo/infra/issues/comments/1000'
    ])
  })

  it('finds its comment beyond the first page', async () => {
    for (let id = 1; id <= 150; id++) api.comments.push({ id, body: `comment ${id}` })
    api.comments.push({ id: 151, body: `${commentMarker('audit/report')}\nold` })
    expect(await upsertComment(target, 'new', context)).toBe('updated')
    expect(api.comments.at(-1)?.body).toBe(`${commentMarker('audit/report')}\nnew`)
    expect(api.comments).toHaveLength(151)
  })

  it("keeps another job's comment apart", async () => {
    api.comments.push({ id: 1, body: `${commentMarker('audit/other')}\nother` })
    expect(await upsertComment(target, 'mine', context)).toBe('created')
    expect(api.comments.map((c) => c.body)).toEqual([
      '<!-- cloudtrail-athena-report: audit/other -->\nother',
      '<!-- cloudtrail-athena-report: audit/report -->\nmine'
    ])
  })

  it('warns, and does not fail, when the token may not comment', async () => {
    api.denyWrites = true
    expect(await upsertComment(target, 'report', context)).toBe('not posted')
    expect(log.warning).toHaveBeenCalledWith(
      "Could not comment on pull request #7 (HTTP 403): give the job 'permissions: pull-requests: write', or pass a 'github-token' that may comment"
    )
  })

  it('tries again after a 502, starting over from the listing, and posts once', async () => {
    api.failNext.push(502, 503)
    expect(await upsertComment(target, 'report', context)).toBe('created')
    expect(api.comments).toHaveLength(1)
    expect(api.requests).toEqual([
      'GET /repos/octo/infra/issues/7/comments',
      'GET /repos/octo/infra/issues/7/comments',
      'GET /repos/octo/infra/issues/7/comments',
      'POST /repos/octo/infra/issues/7/comments'
    ])
    expect(waits).toEqual([500, 1000])
    expect(vi.mocked(log.warning).mock.calls.map(([message]) => message)).toEqual([
      'Commenting on pull request #7 failed with HTTP 502 (Server Error); retry 1 of 3 in 500 ms',
      'Commenting on pull request #7 failed with HTTP 503 (Server Error); retry 2 of 3 in 1000 ms'
    ])
  })

  it('updates rather than posts again when a create failed with a 502 after being done', async () => {
    api.comments.push({ id: 5, body: `${commentMarker('audit/report')}\nold` })
    api.failAfterNextWrite = 502
    expect(await upsertComment(target, 'new', context)).toBe('updated')
    expect(api.comments).toEqual([{ id: 5, body: `${commentMarker('audit/report')}\nnew` }])
  })

  it('gives up after four tries on a lasting 5xx, with a warning, and does not fail', async () => {
    api.failNext.push(500, 500, 500, 500, 500)
    expect(await upsertComment(target, 'report', context)).toBe('not posted')
    expect(api.requests).toHaveLength(4)
    expect(waits).toEqual([500, 1000, 2000])
    expect(vi.mocked(log.warning)).toHaveBeenLastCalledWith(
      'Could not comment on pull request #7: failed with HTTP 500 (Server Error). The report is complete without it: see the job summary'
    )
  })

  it('warns and goes on when GitHub cannot be reached at all', async () => {
    await api.stop()
    expect(await upsertComment(target, 'report', context)).toBe('not posted')
    expect(waits).toHaveLength(3)
    const port = new URL(target.apiUrl).port
    expect(vi.mocked(log.warning)).toHaveBeenLastCalledWith(
      `Could not comment on pull request #7: could not reach GitHub (connect ECONNREFUSED 127.0.0.1:${port}). The report is complete without it: see the job summary`
    )
  })

  it('warns without calling GitHub when the token is empty', async () => {
    expect(await upsertComment({ ...target, token: '' }, 'report', context)).toBe('not posted')
    expect(api.requests).toEqual([])
    expect(log.warning).toHaveBeenCalledWith(
      "Could not comment on pull request #7: 'github-token' is empty"
    )
  })

  it('keeps a hostile key from closing the marker early', () => {
    expect(commentMarker('a-->b')).toBe('<!-- cloudtrail-athena-report: a-b -->')
  })
})
