// RabbitMQ (Debian's rabbitmq-server 3.10 on Erlang 25) as a dstest target: a
// cluster of brokers, one durable queue, and the bundled `queue` workload with
// publisher confirms and manual acknowledgements (./client.ts). See README.md.
//
//   dstest run --target examples/rabbitmq/target.ts --config examples/rabbitmq/quorum.json --nemesis partition
//   dstest run --target examples/rabbitmq/target.ts --config examples/rabbitmq/mirrored.json --nemesis partition
//
// targetOptions:
//   queue               'quorum' (default): a quorum queue (x-queue-type quorum, Raft);
//                       'mirrored': a classic queue mirrored to every node (policy
//                       ha-mode all, ha-sync-mode automatic)
//   partitionHandling   'pause_minority' (default) or 'autoheal': RabbitMQ's
//                       cluster_partition_handling
//   netTicktime         seconds (default 6): Erlang's net_ticktime, after which a
//                       silent peer counts as down (RabbitMQ's default, 60, would
//                       see no partition shorter than a minute)
import { defineTarget, NodeProcess, UsageError, type Cluster, type TargetOptions } from 'dstest'
import amqp from 'amqplib'
import { amqpUrl, operationBudgetMs, RabbitQueueClient } from './client.js'

/** The queue the workload uses. */
export const QUEUE = 'dstest-queue'
const QUEUE_TYPES = ['quorum', 'mirrored'] as const
const PARTITION_HANDLING = ['pause_minority', 'autoheal'] as const

export interface RabbitOptions {
  queue: (typeof QUEUE_TYPES)[number]
  partitionHandling: (typeof PARTITION_HANDLING)[number]
  netTicktime: number
}

/** The run's targetOptions, checked; a bad one is refused with the accepted values. */
export function rabbitOptions(o: Readonly<Record<string, unknown>>): RabbitOptions {
  const known = ['queue', 'partitionHandling', 'netTicktime']
  const unknown = Object.keys(o).filter((k) => !known.includes(k))
  if (unknown.length) throw new UsageError(`rabbitmq: unknown targetOptions ${unknown.join(', ')} (known: ${known.join(', ')})`)
  const pick = <T extends string>(key: string, values: readonly T[]): T => {
    const v = o[key] ?? values[0]
    if (!values.includes(v as T)) throw new UsageError(`rabbitmq: targetOptions.${key} must be one of ${values.join(', ')}, not ${JSON.stringify(v)}`)
    return v as T
  }
  const tick = o.netTicktime ?? 6
  if (typeof tick !== 'number' || !Number.isInteger(tick) || tick < 1) throw new UsageError(`rabbitmq: targetOptions.netTicktime must be a whole number of seconds ≥ 1, not ${JSON.stringify(tick)}`)
  return { queue: pick('queue', QUEUE_TYPES), partitionHandling: pick('partitionHandling', PARTITION_HANDLING), netTicktime: tick }
}

const nodeName = (node: string): string => `rabbit@${node}`

/**
 * The broker on each node, as the rabbitmq user (setpriv keeps the environment,
 * unlike the Debian wrapper's su). Erlang reads the clock through the C library
 * but its own time-warp logic smooths steps, so clock faults are not offered.
 */
const broker = new NodeProcess({
  name: 'rabbitmq-server',
  command: () => ['setpriv', '--reuid=rabbitmq', '--regid=rabbitmq', '--init-groups', '/usr/lib/rabbitmq/bin/rabbitmq-server'],
  env: ({ node, options }) => {
    const o = rabbitOptions(options.options)
    return {
      HOME: '/var/lib/rabbitmq',
      RABBITMQ_NODENAME: nodeName(node.name),
      // The schedulers' busy-waiting would take the shared cores from the other nodes.
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: `-rabbit cluster_partition_handling ${o.partitionHandling} -kernel net_ticktime ${o.netTicktime} +sbwt none +sbwtdcpu none +sbwtdio none`,
    }
  },
  faketime: false,
  stopGraceMs: 10_000,
})

/** Whether the broker at `address` accepts an AMQP connection (its listener opens last in its boot). */
async function answers(address: string): Promise<boolean> {
  try {
    const connection = await amqp.connect(amqpUrl(address), { timeout: 2000 })
    connection.on('error', () => undefined)
    await connection.close()
    return true
  } catch {
    return false
  }
}

/** rabbitmqctl on `node` (the Debian wrapper runs it as the rabbitmq user, with the shared cookie); throws with its output on failure. */
async function rabbitmqctl(cluster: Cluster, node: string, args: readonly string[]): Promise<string> {
  const r = await cluster.remote(node).exec(['/usr/sbin/rabbitmqctl', '-n', nodeName(node), ...args], { timeoutMs: 120_000 })
  if (r.exitCode !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} on ${node} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`)
  return r.stdout
}

/** The nodes rabbit@n1 sees running in its cluster. */
async function runningNodes(cluster: Cluster): Promise<string[]> {
  const status = JSON.parse(await rabbitmqctl(cluster, cluster.nodes[0]!.name, ['cluster_status', '--formatter', 'json'])) as { running_nodes?: string[] }
  return status.running_nodes ?? []
}

const addressOf = (cluster: Cluster, node: string): string => cluster.nodes.find((n) => n.name === node)!.address
const BOOT_MS = 180_000

async function declareQueue(cluster: Cluster, options: RabbitOptions): Promise<void> {
  const first = cluster.nodes[0]!.name
  if (options.queue === 'mirrored') {
    await rabbitmqctl(cluster, first, ['set_policy', '--apply-to', 'queues', 'ha-all', `^${QUEUE}$`, JSON.stringify({ 'ha-mode': 'all', 'ha-sync-mode': 'automatic' })])
  }
  const connection = await amqp.connect(amqpUrl(addressOf(cluster, first)), { timeout: 5000 })
  connection.on('error', () => undefined)
  try {
    const channel = await connection.createChannel()
    await channel.assertQueue(QUEUE, { durable: true, arguments: options.queue === 'quorum' ? { 'x-queue-type': 'quorum' } : {} })
  } finally {
    await connection.close().catch(() => undefined)
  }
}

export default defineTarget({
  name: 'rabbitmq',
  description: "Debian's RabbitMQ 3.10: a cluster, one durable queue (quorum, or classic mirrored to every node), publisher confirms and manual acks",
  workloads: ['queue'],
  operations: ['enqueue', 'dequeue'],
  // The node names (rabbit@n1...) are the containers' host names, and the package's paths are fixed.
  runtimes: ['docker'],

  imageLayer: () => ({
    name: 'rabbitmq',
    packages: ['rabbitmq-server'],
    files: [
      {
        to: '/etc/rabbitmq/rabbitmq.conf',
        // guest may log in from the test's host; the rest is set per run on the command line (see `broker`).
        content: 'loopback_users = none\nlisteners.tcp.default = 5672\n',
      },
    ],
  }),

  async setup(cluster, options) {
    const o = rabbitOptions(options.options)
    await broker.startAll(cluster, options)
    await broker.waitUntil(cluster, async () => (await Promise.all(cluster.nodes.map((n) => answers(n.address)))).every(Boolean), {
      waitingFor: 'an AMQP answer from every node',
      timeoutMs: BOOT_MS,
    })
    // Each other node joins the first one's cluster, one at a time.
    const [first, ...rest] = cluster.nodes
    for (const n of rest) {
      await rabbitmqctl(cluster, n.name, ['stop_app'])
      await rabbitmqctl(cluster, n.name, ['join_cluster', nodeName(first!.name)])
      await rabbitmqctl(cluster, n.name, ['start_app'])
    }
    let running: string[] = []
    await broker.waitUntil(
      cluster,
      async () => {
        running = await runningNodes(cluster)
        return running.length === cluster.nodes.length && (await Promise.all(cluster.nodes.map((n) => answers(n.address)))).every(Boolean)
      },
      { waitingFor: `all ${cluster.nodes.length} nodes running in one cluster`, timeoutMs: BOOT_MS, state: () => `running: ${running.join(', ') || 'none'}` },
    )
    await declareQueue(cluster, o)
  },
  teardown: (cluster) => broker.stopAll(cluster),

  kill: (cluster, node) => broker.kill(cluster, node),
  async start(cluster, node, options: TargetOptions) {
    // A start the nemesis gave up on (a broker can take longer to boot than the nemesis waits) may still be booting: wait for it instead.
    if (!(await broker.running(cluster, node))) await broker.start(cluster, node, options)
    // It rejoins its cluster from its own Mnesia; the listener opens once it has.
    await broker.waitUntil(cluster, () => answers(addressOf(cluster, node)), { waitingFor: `an AMQP answer from ${node}`, nodes: [node], timeoutMs: BOOT_MS })
  },
  pause: (cluster, node) => broker.pause(cluster, node),
  resume: (cluster, node) => broker.resume(cluster, node),
  logFiles: (node) => [broker.logFile, `/var/log/rabbitmq/${nodeName(node)}.log`],

  client: ({ node, address, targetOptions, opTimeoutMs }) => {
    rabbitOptions(targetOptions)
    return new RabbitQueueClient(node, address, QUEUE, operationBudgetMs(opTimeoutMs))
  },
})
