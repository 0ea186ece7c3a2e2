/**
 * dstest's linearizability checker: a standalone library (no imports from the
 * rest of dstest; only node: builtins). See README.md.
 */
export type * from './types.js'
export { checkOperations, checkOperationsSync, checkEvents, checkEventsSync } from './check.js'
export { closeWorkers } from './pool.js'
export { eventsToOperations } from './history.js'
export { models, modelNames, createModel, isModelName, type BuiltinModel, type ModelName } from './models/index.js'
export { registerModel, casRegisterModel } from './models/register.js'
export { kvModel, kvUnpartitionedModel, type KvString, type KvStore } from './models/kv.js'
export { setModel, type SetState } from './models/set.js'
export { queueModel, type QueueState } from './models/queue.js'
export { counterModel } from './models/counter.js'
export { mutexModel } from './models/mutex.js'
export type { OpInput } from './models/values.js'
export { parseEtcdLog } from './formats/porcupine-etcd.js'
export { parseKvLog } from './formats/porcupine-kv.js'
export { operationsFromJepsen, type JepsenRecord, type JepsenOptions } from './formats/jepsen.js'
export { explain, type Argument, type Explanation, type ExplainedOperation } from './explain.js'
export { renderHtml, type Fault, type RenderOptions } from './render-html.js'
export { simulateRegisterHistory, type SimulationOptions } from './simulate.js'
