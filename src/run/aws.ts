import { AthenaClient } from '@aws-sdk/client-athena'
import { EC2Client } from '@aws-sdk/client-ec2'
import { S3Client } from '@aws-sdk/client-s3'

export interface AwsClients {
  readonly athena: AthenaClient
  readonly s3: S3Client
  readonly ec2: EC2Client
}

/**
 * Clients that retry with backoff and jitter, 6 attempts a call. Athena and EC2 use the SDK's
 * adaptive mode, which also rate-limits the client on throttling. S3 uses standard mode: the local
 * engine reads thousands of objects, and adaptive mode, throttled before it has measured a send
 * rate, drops to half a request a second. Credentials, region and `AWS_ENDPOINT_URL` come from
 * the environment.
 */
export function createAwsClients(options: { customEndpoint: boolean }): AwsClients {
  const adaptive = { maxAttempts: 6, retryMode: 'adaptive' }
  return {
    athena: new AthenaClient(adaptive),
    s3: new S3Client({
      maxAttempts: 6,
      retryMode: 'standard',
      // An endpoint such as http://127.0.0.1:5000 has no DNS names for virtual-hosted buckets.
      forcePathStyle: options.customEndpoint
    }),
    ec2: new EC2Client(adaptive)
  }
}

/**
 * The clients, made on first use, so that a run on local files needs no AWS configuration at all.
 * The entry points pass their environment: an `AWS_ENDPOINT_URL` (an emulator, or a VPC endpoint)
 * needs path-style S3 addressing.
 */
export function awsClientsOnDemand(env: NodeJS.ProcessEnv): () => AwsClients {
  let clients: AwsClients | undefined
  return () =>
    (clients ??= createAwsClients({
      customEndpoint: Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3)
    }))
}
