import { DefaultArtifactClient } from '@actions/artifact'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

export interface UploadedArtifact {
  readonly id: number
  readonly url: string
}

/**
 * Uploads every file of the report directory, `policies/` included, as one artifact. A failure
 * says what to do about it; a name already taken in the run (HTTP 409) is by far the most common.
 */
export async function uploadReportDir(
  name: string,
  reportDir: string,
  retentionDays: number | undefined,
  artifactUrlBase: string
): Promise<UploadedArtifact> {
  const entries = await readdir(reportDir, { recursive: true, withFileTypes: true })
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
  const client = new DefaultArtifactClient()
  const { id } = await client
    .uploadArtifact(name, files, reportDir, { retentionDays })
    .catch((error: unknown) => {
      throw new Error(uploadFailure(name, error), { cause: error })
    })
  if (id === undefined) throw new Error(`The artifact '${name}' was uploaded but has no id`)
  return { id, url: `${artifactUrlBase}/artifacts/${id}` }
}

function uploadFailure(name: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const failure = `Could not upload the artifact '${name}': ${message}`
  if (!/\(409\)/.test(message)) return failure
  // The artifact service keeps one artifact per name in a workflow run.
  return `${failure}. Another job or matrix leg of this workflow run has already uploaded an artifact of that name: keep {job} in 'artifact-name' (the default has it) so that each job and leg has its own, and where two jobs share an id (a reusable workflow called twice), give each its own 'job-key'`
}
