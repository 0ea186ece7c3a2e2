/**
 * The built-in models by name. A model made here carries its `spec`, so a worker
 * thread can rebuild it (closures cannot cross threads).
 */
import type { Model, ModelOptions, ModelSpec } from '../types.js'
import { counterModel } from './counter.js'
import { kvModel, kvUnpartitionedModel } from './kv.js'
import { mutexModel } from './mutex.js'
import { queueModel } from './queue.js'
import { casRegisterModel, registerModel } from './register.js'
import { setModel } from './set.js'
import type { OpInput } from './values.js'

export type BuiltinModel = Model<unknown, OpInput, unknown>

const factories = {
  register: registerModel,
  'cas-register': casRegisterModel,
  kv: kvModel,
  'kv-unpartitioned': kvUnpartitionedModel,
  set: setModel,
  queue: queueModel,
  counter: counterModel,
  mutex: mutexModel,
} as const

export type ModelName = keyof typeof factories

/** `models.register({ initial: 0 })`, `models['cas-register']()`, ... */
export const models = factories as unknown as Readonly<Record<ModelName, (options?: ModelOptions) => BuiltinModel>>

export const modelNames = Object.keys(factories) as ModelName[]

export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(factories, name)
}

/** Builds a built-in model from its spec; throws naming the choices if unknown. */
export function createModel(spec: ModelSpec): BuiltinModel {
  if (!isModelName(spec.name)) {
    throw new Error(`unknown linearizability model '${spec.name}': choose from ${modelNames.join(', ')}`)
  }
  return models[spec.name](spec.options)
}
