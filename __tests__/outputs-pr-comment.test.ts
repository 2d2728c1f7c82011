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
  })

  afterEach(() => api.stop())

  it('creates one comment, then updates it in place', async () => {
    api.comments.push({ id: 1, body: 'LGTM' })
    expect(await upsertComment(target, 'first report', log)).toBe('created')
    expect(await upsertComment(target, 'second report', log)).toBe('updated')
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
    expect(await upsertComment(target, 'new', log)).toBe('updated')
    expect(api.comments.at(-1)?.body).toBe(`${commentMarker('audit/report')}\nnew`)
    expect(api.comments).toHaveLength(151)
  })

  it("keeps another job's comment apart", async () => {
    api.comments.push({ id: 1, body: `${commentMarker('audit/other')}\nother` })
    expect(await upsertComment(target, 'mine', log)).toBe('created')
    expect(api.comments.map((c) => c.body)).toEqual([
      '<!-- cloudtrail-athena-report: audit/other -->\nother',
      '<!-- cloudtrail-athena-report: audit/report -->\nmine'
    ])
  })

  it('warns, and does not fail, when the token may not comment', async () => {
    api.denyWrites = true
    expect(await upsertComment(target, 'report', log)).toBe('not permitted')
    expect(log.warning).toHaveBeenCalledWith(
      "Could not comment on pull request #7 (HTTP 403): give the job 'permissions: pull-requests: write', or pass a 'github-token' that may comment"
    )
  })

  it('keeps a hostile key from closing the marker early', () => {
    expect(commentMarker('a-->b')).toBe('<!-- cloudtrail-athena-report: a-b -->')
  })
})
