import {
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  type S3Client
} from '@aws-sdk/client-s3'
import { awsCall } from './sdk-retry.js'

/**
 * The pages of a ListObjectsV2 listing, each asked for only once the one before is consumed; a
 * failed page names the call and, with `also`, what was being listed.
 */
export async function* listPages(
  s3: S3Client,
  input: Omit<ListObjectsV2CommandInput, 'ContinuationToken'>,
  options: { readonly signal?: AbortSignal; readonly also: string }
): AsyncGenerator<ListObjectsV2CommandOutput> {
  let ContinuationToken: string | undefined
  do {
    const command = new ListObjectsV2Command({ ...input, ContinuationToken })
    const page = await awsCall(
      'S3 ListObjectsV2',
      () => s3.send(command, { abortSignal: options.signal }),
      options
    )
    yield page
    ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined
  } while (ContinuationToken !== undefined)
}
