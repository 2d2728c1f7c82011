/** Where a trail writes its log files in S3. */
export interface Layout {
  readonly bucket: string
  /** The trail's key prefix without leading or trailing `/`; `''` when the trail has none. */
  readonly prefix: string
  /** `o-…` for an organization trail, else `''`. */
  readonly organizationId: string
}

/**
 * The key of the folder that holds every account's logs:
 * `PREFIX/AWSLogs/[o-ORG/]` as documented in
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
 */
export function logsRootKey(layout: Layout): string {
  const prefix = layout.prefix === '' ? '' : `${layout.prefix}/`
  const organization = layout.organizationId === '' ? '' : `${layout.organizationId}/`
  return `${prefix}AWSLogs/${organization}`
}

/** The key of one region's log folder of an account: `…/ACCOUNT/CloudTrail/REGION/`. */
export function regionKey(layout: Layout, account: string, region: string): string {
  return `${logsRootKey(layout)}${account}/CloudTrail/${region}/`
}

/** The key of one day folder: `…/CloudTrail/REGION/YYYY/MM/DD/`. */
export function dayFolderKey(layout: Layout, account: string, region: string, day: string): string {
  return `${regionKey(layout, account, region)}${day.replaceAll('-', '/')}/`
}

export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`
}
