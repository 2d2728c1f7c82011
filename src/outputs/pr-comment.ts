import { getOctokit } from '@actions/github'
import type { Log } from '../run/log.js'

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

/**
 * Posts the report as one comment on the pull request, or updates the comment an earlier run
 * posted, found by its hidden marker. A token without permission gets a warning, not a failure:
 * the report itself is still complete.
 */
export async function upsertComment(
  target: PullRequestTarget,
  body: string,
  log: Log
): Promise<'created' | 'updated' | 'not permitted'> {
  const octokit = getOctokit(target.token, { baseUrl: target.apiUrl })
  const marker = commentMarker(target.key)
  const text = `${marker}\n${body}`
  const where = { owner: target.owner, repo: target.repo }
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      ...where,
      issue_number: target.number,
      per_page: 100
    })
    const existing = comments.find((comment) => comment.body?.startsWith(marker))
    if (existing === undefined) {
      await octokit.rest.issues.createComment({ ...where, issue_number: target.number, body: text })
      log.info(`Commented on pull request #${target.number}`)
      return 'created'
    }
    await octokit.rest.issues.updateComment({ ...where, comment_id: existing.id, body: text })
    log.info(`Updated the comment on pull request #${target.number}`)
    return 'updated'
  } catch (error) {
    const status = (error as { status?: number }).status
    if (status === 403 || status === 404) {
      log.warning(
        `Could not comment on pull request #${target.number} (HTTP ${status}): give the job 'permissions: pull-requests: write', or pass a 'github-token' that may comment`
      )
      return 'not permitted'
    }
    throw error
  }
}
