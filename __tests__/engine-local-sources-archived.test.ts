import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException
} from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { localPlan, scanDir } from '../__fixtures__/local-scan.js'

const s3 = new S3Client({ region: 'us-east-1' })
const s3Mock = mockClient(s3)

beforeEach(() => s3Mock.reset())

describe('an object in an Intelligent-Tiering archive tier', () => {
  it('is counted as archived, not read, instead of failing the run', async () => {
    const plan = localPlan('', {
      layout: { bucket: 'trail-logs', prefix: '', organizationId: '' },
      regions: ['us-east-1'],
      dayBoundary: 'delivery',
      folderDays: ['2024-03-10']
    })
    const key =
      'AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/10/111122223333_CloudTrail_us-east-1_20240310T0000Z_a.json.gz'
    s3Mock.on(ListObjectsV2Command).resolves({
      // The listing shows the class, not the tier: only GetObject tells.
      Contents: [{ Key: key, StorageClass: 'INTELLIGENT_TIERING' }]
    })
    s3Mock.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'InvalidObjectState',
        $fault: 'client',
        message: "The operation is not valid for the object's access tier",
        $metadata: { httpStatusCode: 403 }
      })
    )

    const { scan, rows, log } = await scanDir(plan, { s3 })

    expect(rows).toEqual([])
    expect(scan.filesRead).toBe(0)
    expect(scan.archived).toEqual({ files: 1, maybe: 0, complete: true })
    expect(log.warnings).toEqual([
      '1 log file of the window is archived (S3 Glacier Flexible Retrieval, Deep Archive or an Intelligent-Tiering archive tier) and was not read: the counts leave out its events. Restore it to count it'
    ])
  })
})
