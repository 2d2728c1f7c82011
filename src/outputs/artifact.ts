import { DefaultArtifactClient } from '@actions/artifact'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

export interface UploadedArtifact {
  readonly id: number
  readonly url: string
}

/** Uploads every file of the report directory, `policies/` included, as one artifact. */
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
  const { id } = await new DefaultArtifactClient().uploadArtifact(name, files, reportDir, {
    retentionDays
  })
  if (id === undefined) throw new Error(`The artifact '${name}' was uploaded but has no id`)
  return { id, url: `${artifactUrlBase}/artifacts/${id}` }
}
