import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { recordingLog, type RecordingLog } from '../__fixtures__/log.js'
import { parseInputs, type Inputs } from '../src/inputs/inputs.js'
import { describeRegions, resolveRegions } from '../src/plan/regions.js'

const ec2 = new EC2Client({ region: 'us-east-1' })
const ec2Mock = mockClient(ec2)
const s3 = new S3Client({ region: 'us-east-1' })
const s3Mock = mockClient(s3)
let log: RecordingLog

beforeEach(() => {
  ec2Mock.reset()
  s3Mock.reset()
  log = recordingLog()
})

/** What DescribeRegions answers a log-archive account that enabled no opt-in region itself. */
const PARTITION = {
  Regions: [
    { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
    { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' },
    { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
    { RegionName: 'me-central-1', OptInStatus: 'not-opted-in' },
    { RegionName: 'ap-southeast-2', OptInStatus: 'opt-in-not-required' }
  ]
}

function inputs(values: Record<string, string>): Inputs {
  return parseInputs((input) => values[input] ?? '', new Date('2024-03-11T06:00:00Z'))
}

/** A delimiter listing of `prefix` that shows these region folders. */
function folders(prefix: string, regions: readonly string[]) {
  return { CommonPrefixes: regions.map((region) => ({ Prefix: `${prefix}${region}/` })) }
}

describe('regions from EC2', () => {
  it('asks for every region of the partition, opt-in ones included, sorted', async () => {
    ec2Mock.on(DescribeRegionsCommand).resolves(PARTITION)

    expect(await describeRegions(ec2)).toEqual([
      'af-south-1',
      'ap-southeast-2',
      'eu-west-1',
      'me-central-1',
      'us-east-1'
    ])
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)[0]?.args[0].input).toEqual({
      AllRegions: true
    })
  })

  it('refuses a region name that does not look like one, since it would reach SQL', async () => {
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [{ RegionName: "us-east-1'--", OptInStatus: 'opt-in-not-required' }]
    })

    await expect(describeRegions(ec2)).rejects.toThrow(
      `EC2 DescribeRegions returned the region name "us-east-1'--", which does not look like one: set the 'regions' input`
    )
  })

  it('fails when no region is listed', async () => {
    ec2Mock.on(DescribeRegionsCommand).resolves({ Regions: [] })

    await expect(describeRegions(ec2)).rejects.toThrow(
      "EC2 DescribeRegions returned no region: set the 'regions' input"
    )
  })
})

describe('the regions a run reads from the bucket', () => {
  const context = () => ({ ec2: async () => ec2, s3: () => s3, log })

  it('reads the regions of the partition whose folders exist for the accounts, opt-in regions included, and says why', async () => {
    ec2Mock.on(DescribeRegionsCommand).resolves(PARTITION)
    const root = 'trails/AWSLogs/o-a1b2c3d4e5/'
    s3Mock
      .on(ListObjectsV2Command, { Prefix: `${root}111122223333/CloudTrail/` })
      .resolves(folders(`${root}111122223333/CloudTrail/`, ['eu-west-1', 'us-east-1']))
      .on(ListObjectsV2Command, { Prefix: `${root}444455556666/CloudTrail/` })
      // An opt-in region enabled in the member account only, and a stray folder.
      .resolves(folders(`${root}444455556666/CloudTrail/`, ['me-central-1', 'us-east-1', 'tmp']))

    const regions = await resolveRegions(
      inputs({
        bucket: 'org-trail',
        prefix: 'trails',
        'organization-id': 'o-a1b2c3d4e5',
        account: '111122223333,444455556666'
      }),
      context()
    )

    expect(regions).toEqual(['eu-west-1', 'me-central-1', 'us-east-1'])
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      {
        Bucket: 'org-trail',
        Prefix: `${root}111122223333/CloudTrail/`,
        Delimiter: '/',
        ContinuationToken: undefined
      },
      {
        Bucket: 'org-trail',
        Prefix: `${root}444455556666/CloudTrail/`,
        Delimiter: '/',
        ContinuationToken: undefined
      }
    ])
    expect(log.infos).toEqual([
      'Regions with log folders under s3://org-trail/trails/AWSLogs/o-a1b2c3d4e5/{111122223333,444455556666}/CloudTrail/: eu-west-1, me-central-1, us-east-1 (3 of the 5 regions of the partition, from EC2 DescribeRegions); folders that are not regions of the partition, not read: tmp'
    ])
  })

  it('follows the listing across pages', async () => {
    ec2Mock.on(DescribeRegionsCommand).resolves(PARTITION)
    const prefix = 'AWSLogs/111122223333/CloudTrail/'
    s3Mock
      .on(ListObjectsV2Command)
      .resolvesOnce({
        ...folders(prefix, ['af-south-1']),
        IsTruncated: true,
        NextContinuationToken: 't2'
      })
      .resolvesOnce(folders(prefix, ['us-east-1']))

    const regions = await resolveRegions(
      inputs({ bucket: 'trail-logs', account: '111122223333' }),
      context()
    )

    expect(regions).toEqual(['af-south-1', 'us-east-1'])
    expect(s3Mock.commandCalls(ListObjectsV2Command)[1]?.args[0].input.ContinuationToken).toBe('t2')
  })

  it('fails, naming where it looked, when the accounts have no region folder', async () => {
    ec2Mock.on(DescribeRegionsCommand).resolves(PARTITION)
    s3Mock.on(ListObjectsV2Command).resolves({})

    await expect(
      resolveRegions(inputs({ bucket: 'trail-logs', account: '111122223333' }), context())
    ).rejects.toThrow(
      "No region folders under s3://trail-logs/AWSLogs/{111122223333}/CloudTrail/: check 'bucket', 'prefix', 'organization-id' and 'account', or set 'regions'"
    )
  })

  it('asks AWS nothing when the regions are given, and says where they came from', async () => {
    const regions = await resolveRegions(
      inputs({ bucket: 'trail-logs', account: '111122223333', regions: 'eu-west-1,us-east-1' }),
      context()
    )

    expect(regions).toEqual(['eu-west-1', 'us-east-1'])
    expect(ec2Mock.calls()).toHaveLength(0)
    expect(s3Mock.calls()).toHaveLength(0)
    expect(log.infos).toEqual(["Regions from the 'regions' input: eu-west-1, us-east-1"])
  })
})
