import type { EC2Client } from '@aws-sdk/client-ec2'
import type { S3Client } from '@aws-sdk/client-s3'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Inputs } from '../inputs/inputs.js'
import { REGION } from '../inputs/validation.js'
import type { Log } from '../run/log.js'
import { listPages } from '../run/s3-pages.js'
import { awsCall } from '../run/sdk-retry.js'
import { logsRootKey, s3Url, type Layout } from './layout.js'

/**
 * Every region of the partition, sorted. `AllRegions: true`, because the answer is for the
 * caller's account (often a security or log-archive account): opt-in regions enabled only in the
 * member accounts whose logs are read would be missing from its enabled list.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
 */
export async function describeRegions(ec2: EC2Client): Promise<string[]> {
  // Loaded here, not at start: see `AwsClients.ec2`.
  const { DescribeRegionsCommand } = await import('@aws-sdk/client-ec2')
  const { Regions = [] } = await awsCall('EC2 DescribeRegions', () =>
    ec2.send(new DescribeRegionsCommand({ AllRegions: true }))
  )
  const regions = Regions.map((region) => region.RegionName ?? '').sort()
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
 * The region folders of the accounts in the bucket: one delimiter listing of
 * `…/ACCOUNT/CloudTrail/` per account, which returns the folder names only, however many logs
 * they hold.
 */
export async function bucketRegionFolders(
  s3: S3Client,
  layout: Layout,
  accounts: readonly string[]
): Promise<Set<string>> {
  const folders = new Set<string>()
  for (const account of accounts) {
    const prefix = `${logsRootKey(layout)}${account}/CloudTrail/`
    const pages = listPages(
      s3,
      { Bucket: layout.bucket, Prefix: prefix, Delimiter: '/' },
      { also: ` (listing the region folders of ${s3Url(layout.bucket, prefix)})` }
    )
    for await (const page of pages) {
      for (const { Prefix = '' } of page.CommonPrefixes ?? []) {
        folders.add(Prefix.slice(prefix.length).replace(/\/$/, ''))
      }
    }
  }
  return folders
}

/**
 * The regions to read: the input's; else the folders of `logs-dir` (no need to ask AWS about
 * local files); else the regions of the partition (EC2) whose folders exist in the bucket for the
 * requested accounts, so that no region with logs is left out and no empty one is read. Every
 * run resolves its regions here, once, and says which it uses and why.
 */
export async function resolveRegions(
  inputs: Inputs,
  context: {
    readonly ec2: () => Promise<EC2Client>
    readonly s3: () => S3Client
    readonly log: Log
  }
): Promise<readonly string[]> {
  if (inputs.regions !== undefined) {
    context.log.info(`Regions from the 'regions' input: ${inputs.regions.join(', ')}`)
    return inputs.regions
  }
  if (inputs.engine === 'local' && inputs.logsDir !== '') {
    const regions = await discoverLocalRegions(inputs.logsDir, inputs)
    context.log.info(`Regions with folders in ${inputs.logsDir}: ${regions.join(', ')}`)
    return regions
  }
  const partition = await describeRegions(await context.ec2())
  const layout = {
    bucket: inputs.bucket,
    prefix: inputs.prefix,
    organizationId: inputs.organizationId
  }
  const folders = await bucketRegionFolders(context.s3(), layout, inputs.accounts)
  const regions = partition.filter((region) => folders.has(region))
  const where = `${s3Url(layout.bucket, logsRootKey(layout))}{${inputs.accounts.join(',')}}/CloudTrail/`
  if (regions.length === 0) {
    throw new Error(
      `No region folders under ${where}: check 'bucket', 'prefix', 'organization-id' and 'account', or set 'regions'`
    )
  }
  const unknown = [...folders].filter((folder) => !partition.includes(folder)).sort()
  context.log.info(
    `Regions with log folders under ${where}: ${regions.join(', ')} (${regions.length} of the ${partition.length} regions of the partition, from EC2 DescribeRegions)` +
      (unknown.length === 0
        ? ''
        : `; folders that are not regions of the partition, not read: ${unknown.join(', ')}`)
  )
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
