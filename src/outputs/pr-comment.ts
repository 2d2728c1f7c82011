import { getOctokit } from '@actions/github'
import type { RunContext } from '../run/context.js'
import { withRetry } from '../run/retry.js'

/** The pull request to comment on, from the workflow's event. */
export interface PullRequestTarget {
  readonly apiUrl: string
  readonly token: string
  readonly owner: string
  readonly repo: string
  readonly number: number
  /** Tells this job's comment from another job's, so each keeps one comment up to date. */
  readonly key: string
}

/** GitHub refuses a comment body over 65,536 characters. */
export const COMMENT_LIMIT_BYTES = 65_000

export function commentMarker(key: string): string {
  return `<!-- cloudtrail-athena-report: ${key.replace(/--/g, '-').replace(/>/g, '')} -->`
}

export type CommentOutcome = 'created' | 'updated' | 'not posted'

/**
 * Posts the report as one comment on the pull request, or updates the comment an earlier run
 * posted, found by its hidden marker. Never fails the run: the comment is a copy of the job
 * summary, not the report. A transient failure (HTTP 5xx or 429, GitHub out of reach) is tried
 * again a few times with backoff; then, as for a token without permission, a warning says why.
 */
export async function upsertComment(
  target: PullRequestTarget,
  body: string,
  context: Omit<RunContext, 'signal'>
): Promise<CommentOutcome> {
  if (target.token === '') {
    context.log.warning(
      `Could not comment on pull request #${target.number}: 'github-token' is empty`
    )
    return 'not posted'
  }
  try {
    // The one retry layer for GitHub: the Octokit of @actions/github has no retry plugin. A retry
    // starts over from the listing: a create that timed out may have been done after all, and
    // must then be updated rather than posted twice.
    return await withRetry(
      `Commenting on pull request #${target.number}`,
      () => post(target, body, context),
      { ...context, retryable: transientReason }
    )
  } catch (error) {
    const status = statusOf(error)
    context.log.warning(
      status === 401 || status === 403 || status === 404
        ? `Could not comment on pull request #${target.number} (HTTP ${status}): give the job 'permissions: pull-requests: write', or pass a 'github-token' that may comment`
        : `Could not comment on pull request #${target.number}: ${failure(error)}. The report is complete without it: see the job summary`
    )
    return 'not posted'
  }
}

async function post(
  target: PullRequestTarget,
  body: string,
  context: Omit<RunContext, 'signal'>
): Promise<CommentOutcome> {
  const octokit = getOctokit(target.token, { baseUrl: target.apiUrl })
  const marker = commentMarker(target.key)
  const text = `${marker}\n${body}`
  const where = { owner: target.owner, repo: target.repo }
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...where,
    issue_number: target.number,
    per_page: 100
  })
  const existing = comments.find((comment) => comment.body?.startsWith(marker))
  if (existing === undefined) {
    await octokit.rest.issues.createComment({ ...where, issue_number: target.number, body: text })
    context.log.info(`Commented on pull request #${target.number}`)
    return 'created'
  }
  await octokit.rest.issues.updateComment({ ...where, comment_id: existing.id, body: text })
  context.log.info(`Updated the comment on pull request #${target.number}`)
  return 'updated'
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status
  return typeof status === 'number' ? status : undefined
}

/**
 * Octokit reports a request that got no response (DNS, refused or reset connection) as status
 * 500 without a response; GitHub's own 5xx and 429 come with one.
 */
function transientReason(error: unknown): string | undefined {
  const status = statusOf(error)
  if (status === undefined) return undefined
  if (status === 429 || status >= 500) return failure(error)
  return undefined
}

function failure(error: unknown): string {
  const status = statusOf(error)
  const message = error instanceof Error ? error.message : String(error)
  if (status === undefined) return message
  const answered = (error as { response?: unknown }).response !== undefined
  return answered
    ? `failed with HTTP ${status} (${message})`
    : `could not reach GitHub (${message})`
}
