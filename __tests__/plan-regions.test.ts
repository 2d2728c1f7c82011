import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { describeRegions } from '../src/plan/regions.js'

const ec2 = new EC2Client({ region: 'us-east-1' })
const ec2Mock = mockClient(ec2)

beforeEach(() => ec2Mock.reset())

describe('regions from EC2', () => {
  it('asks for the enabled regions only and returns them sorted', async () => {
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'af-south-1', OptInStatus: 'opted-in' },
        { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' }
      ]
    })

    expect(await describeRegions(ec2)).toEqual(['af-south-1', 'eu-west-1', 'us-east-1'])
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)[0]?.args[0].input).toEqual({
      AllRegions: false
    })
  })

  it('leaves out regions the account has not opted in to, as an emulator may list them', async () => {
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'ap-east-1', OptInStatus: 'not-opted-in' }
      ]
    })

    expect(await describeRegions(ec2)).toEqual(['us-east-1'])
  })

  it('refuses a region name that does not look like one, since it would reach SQL', async () => {
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [{ RegionName: "us-east-1'--", OptInStatus: 'opt-in-not-required' }]
    })

    await expect(describeRegions(ec2)).rejects.toThrow(
      `EC2 DescribeRegions returned the region name "us-east-1'--", which does not look like one: set the 'regions' input`
    )
  })

  it('fails when no region is enabled', async () => {
    ec2Mock.on(DescribeRegionsCommand).resolves({ Regions: [] })

    await expect(describeRegions(ec2)).rejects.toThrow(
      "EC2 DescribeRegions returned no region: set the 'regions' input"
    )
  })
})
