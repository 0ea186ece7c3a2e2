/** Builds report.html for a stored run from its files (used by run, check and report): see report/build.ts. */
import { buildReport } from '../report/build.js'

export async function writeReport(runPath: string): Promise<string> {
  return (await buildReport(runPath)).path
}
