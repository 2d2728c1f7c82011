import { AthenaClient } from '@aws-sdk/client-athena'
import type { EC2Client } from '@aws-sdk/client-ec2'
import { S3Client } from '@aws-sdk/client-s3'
import type { Log } from './log.js'
import { LoggedRetryStrategy, MAX_ATTEMPTS, nameCommands } from './sdk-retry.js'

export interface AwsClients {
  readonly athena: AthenaClient
  readonly s3: S3Client
  /**
   * Loaded on first use: the EC2 client's module alone takes about 65 MiB of memory, for the one
   * `DescribeRegions` call a run without `regions` makes.
   */
  readonly ec2: () => Promise<EC2Client>
}

export interface AwsClientOptions {
  /** Where each retry is logged. */
  readonly log: Log
  /** An endpoint such as http://127.0.0.1:5000 has no DNS names for virtual-hosted buckets. */
  readonly customEndpoint: boolean
  /** For tests: the jitter of the retry delays (0: retry at once). */
  readonly random?: () => number
  /** For tests: where the clients send, and as whom. */
  readonly endpoint?: string
  readonly region?: string
  readonly credentials?: { accessKeyId: string; secretAccessKey: string }
}

/**
 * Clients that retry throttling and server errors themselves, with `LoggedRetryStrategy`: the
 * only retry layer for those failures. Credentials, region and `AWS_ENDPOINT_URL` come from the
 * environment unless given.
 */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const common = (service: string) => ({
    maxAttempts: MAX_ATTEMPTS,
    retryStrategy: new LoggedRetryStrategy({ service, log: options.log, random: options.random }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials })
  })
  const athena = new AthenaClient(common('Athena'))
  const s3 = new S3Client({
    ...common('S3'),
    forcePathStyle: options.customEndpoint || options.endpoint !== undefined,
    // A trail bucket in another region than the credentials' answers 301 PermanentRedirect; the
    // SDK then sends the request again to the bucket's region.
    // https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-aws-sdk-client-s3/Interface/S3ClientConfig/
    followRegionRedirects: true
  })
  nameCommands(athena.middlewareStack)
  nameCommands(s3.middlewareStack)
  let ec2: Promise<EC2Client> | undefined
  const ec2Client = async (): Promise<EC2Client> => {
    const { EC2Client } = await import('@aws-sdk/client-ec2')
    const client = new EC2Client(common('EC2'))
    nameCommands(client.middlewareStack)
    return client
  }
  return { athena, s3, ec2: () => (ec2 ??= ec2Client()) }
}

/**
 * The clients, made on first use, so that a run on local files needs no AWS configuration at all.
 * The entry points pass their environment: an `AWS_ENDPOINT_URL` (an emulator, or a VPC endpoint)
 * needs path-style S3 addressing.
 */
export function awsClientsOnDemand(env: NodeJS.ProcessEnv): (log: Log) => AwsClients {
  let clients: AwsClients | undefined
  return (log) =>
    (clients ??= createAwsClients({
      log,
      customEndpoint: Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3)
    }))
}
