import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Inputs } from '../inputs/inputs.js'
import { REGION } from '../inputs/validation.js'
import type { Log } from '../run/log.js'
import { logsRootKey } from './layout.js'

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

/**
 * The regions to read: the input's, else the folders of `logs-dir` (no need to ask EC2 about
 * local files), else EC2 DescribeRegions. Every run resolves its regions here, once.
 */
export async function resolveRegions(
  inputs: Inputs,
  context: { readonly ec2: () => EC2Client; readonly log: Log }
): Promise<readonly string[]> {
  if (inputs.regions !== undefined) return inputs.regions
  if (inputs.engine === 'local' && inputs.logsDir !== '') {
    return discoverLocalRegions(inputs.logsDir, inputs)
  }
  const regions = await describeRegions(context.ec2())
  context.log.info(`Regions from EC2 DescribeRegions: ${regions.join(', ')}`)
  return regions
}

export async function requireDirectory(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined)
  if (info === undefined || !info.isDirectory()) {
    throw new Error(`The logs directory ${path} does not exist or is not a directory`)
  }
}

/**
 * The regions whose folders exist under the accounts' `CloudTrail/` folders in `logsDir`: with
 * local files and no `regions` input there is no need to ask EC2.
 */
export async function discoverLocalRegions(
  logsDir: string,
  where: { prefix: string; organizationId: string; accounts: readonly string[] }
): Promise<string[]> {
  await requireDirectory(logsDir)
  const root = logsRootKey({
    bucket: '',
    prefix: where.prefix,
    organizationId: where.organizationId
  })
  const regions = new Set<string>()
  const searched: string[] = []
  for (const account of where.accounts) {
    const folder = join(logsDir, root, account, 'CloudTrail')
    searched.push(folder)
    const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    })
    for (const entry of entries) {
      if (entry.isDirectory() && REGION.test(entry.name)) regions.add(entry.name)
    }
  }
  if (regions.size === 0) {
    throw new Error(
      `No region folders in ${searched.join(', ')}: check logs-dir, prefix, organization-id and account`
    )
  }
  return [...regions].sort()
}
