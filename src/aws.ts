import { AthenaClient } from '@aws-sdk/client-athena'
import { EC2Client } from '@aws-sdk/client-ec2'
import { S3Client } from '@aws-sdk/client-s3'

export interface AwsClients {
  readonly athena: AthenaClient
  readonly s3: S3Client
  readonly ec2: EC2Client
}

/**
 * Clients with the SDK's adaptive retry mode, which backs off on throttling with jitter and
 * rate-limits the client. Credentials, region and `AWS_ENDPOINT_URL` come from the environment.
 */
export function createAwsClients(options: { customEndpoint: boolean }): AwsClients {
  const config = { maxAttempts: 6, retryMode: 'adaptive' }
  return {
    athena: new AthenaClient(config),
    // An endpoint such as http://127.0.0.1:5000 has no DNS names for virtual-hosted buckets.
    s3: new S3Client({ ...config, forcePathStyle: options.customEndpoint }),
    ec2: new EC2Client(config)
  }
}
