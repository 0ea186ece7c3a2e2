/**
 * dstest's transactional consistency checker for list-append and rw-register
 * histories, after Kingsbury & Alvaro's Elle (VLDB 2020): a library that
 * imports nothing from the rest of dstest but the history types. See README.md.
 */
export type * from './types.js'
export { check, checkListAppend, checkRwRegister, resolveModels, DEFAULT_MODELS } from './check.js'
export { ElleInputError } from './txn.js'
export { boundary, canonicalModel, consistencyModelNames, forbiddenAnomalies, impossibleModels, weakerModels } from './models.js'
export { impliedAnomalies, CYCLE_BASES, OP_ANOMALIES, UNKNOWN_ANOMALIES } from './anomalies.js'
export { renderText } from './explain.js'
export { simulateListAppend, simulateRwRegister, type ListAppendSimulation, type RwRegisterSimulation } from './simulate.js'
