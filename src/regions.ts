import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2'
import { REGION } from './validation.js'

/**
 * The regions enabled for the account, sorted. `AllRegions: false` already leaves out the opt-in
 * regions the account has not enabled; they are filtered again because emulators list them all.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
 */
export async function describeRegions(ec2: EC2Client): Promise<string[]> {
  const { Regions = [] } = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }))
  const regions = Regions.filter((region) => region.OptInStatus !== 'not-opted-in')
    .map((region) => region.RegionName ?? '')
    .sort()
  // The names reach SQL and S3 keys, so they pass the same rule as the 'regions' input.
  const odd = regions.find((region) => !REGION.test(region))
  if (odd !== undefined) {
    throw new Error(
      `EC2 DescribeRegions returned the region name ${JSON.stringify(odd)}, which does not look like one: set the 'regions' input`
    )
  }
  if (regions.length === 0) {
    throw new Error("EC2 DescribeRegions returned no region: set the 'regions' input")
  }
  return regions
}
