// What each ZooKeeper server of the ensemble is given: its zoo.cfg (the same
// on every node but for the data folder's place under the run's root) and its
// myid, and the JVM command line that starts it. Pure functions of the cluster,
// so the configuration can be read and tested without starting anything.
import type { NodeInfo } from 'dstest'

/** The port clients connect to. */
export const CLIENT_PORT = 2181
/** Followers talk to the leader on this port, and elections happen on the next. */
export const QUORUM_PORT = 2888
export const ELECTION_PORT = 3888

/** Node paths (as at '/'; the target places them under the run's root with at()). */
export const DATA_DIR = '/var/lib/zookeeper-dstest'
export const CONF_FILE = '/etc/zookeeper-dstest/zoo.cfg'

/**
 * Debian's zookeeper package: the server jar, the folder whose log4j.properties
 * it would read, and slf4j-simple. The package ships SLF4J without a binding on
 * the server's class path, so it would log nothing; slf4j-simple (installed with
 * it, in libslf4j-java) writes its log to standard error, which the process
 * helper appends to the node's log file.
 */
export const CLASSPATH = ['/etc/zookeeper/conf', '/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar'].join(':')

/** server.N ids are 1..N in node order: n1 is server.1. */
export const serverId = (nodes: readonly NodeInfo[], node: string): number => {
  const i = nodes.findIndex((n) => n.name === node)
  if (i < 0) throw new RangeError(`no node ${node} in the cluster`)
  return i + 1
}

/**
 * zoo.cfg for an ensemble of `nodes`. Debian's own timing (tickTime 2000 ms,
 * initLimit 10 and syncLimit 5 ticks) is kept as it is: a follower cut off from
 * its leader notices after syncLimit ticks (10 s), and that window is part of
 * what is tested. Only `srvr` of the four-letter commands is allowed (readiness
 * and who leads), and the admin web server is off (a Jetty per JVM for nothing).
 */
export function zooCfg(nodes: readonly NodeInfo[], dataDir: string): string {
  return [
    'tickTime=2000',
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${dataDir}`,
    `clientPort=${CLIENT_PORT}`,
    // Listen on every interface: an SSH host's address may not be one of its own (NAT).
    'quorumListenOnAllIPs=true',
    '4lw.commands.whitelist=srvr',
    'admin.enableServer=false',
    ...nodes.map((n, i) => `server.${i + 1}=${n.address}:${QUORUM_PORT}:${ELECTION_PORT}`),
    '',
  ].join('\n')
}

/**
 * The JVM's argv. Five JVMs share the machine: the heap is capped (the JVM would
 * otherwise size it from the host's memory, 6 GiB here) and the serial collector
 * keeps each one small. slf4j-simple gets timestamps so the log lines up with
 * the history.
 */
export function javaArgv(confFile: string, heapMb = 256): string[] {
  return [
    'java',
    `-Xmx${heapMb}m`,
    '-Xms64m',
    '-XX:+UseSerialGC',
    '-Djava.net.preferIPv4Stack=true',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    '-cp',
    CLASSPATH,
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    confFile,
  ]
}

/** The `Mode:` line of a `srvr` answer ('leader', 'follower', 'standalone'), or undefined when it is not serving. */
export function modeOf(srvr: string): string | undefined {
  return /^Mode: (\w+)/m.exec(srvr)?.[1]
}
