// The ZooKeeper example's configuration: zoo.cfg, server ids, the JVM's argv,
// and the srvr answer it reads.
import { describe, expect, it } from 'vitest'
import { javaArgv, modeOf, serverId, zooCfg } from '../../../../examples/zookeeper/ensemble.js'

const nodes = [1, 2, 3].map((i) => ({ name: `n${i}`, address: `10.9.0.${i + 1}` }))

describe('the ensemble', () => {
  it("lists every node as server.N in node order, with Debian's timing", () => {
    const cfg = zooCfg(nodes, '/var/lib/zk').split('\n')
    expect(cfg).toEqual(expect.arrayContaining(['tickTime=2000', 'syncLimit=5', 'dataDir=/var/lib/zk', 'clientPort=2181']))
    expect(cfg.filter((l) => l.startsWith('server.'))).toEqual(['server.1=10.9.0.2:2888:3888', 'server.2=10.9.0.3:2888:3888', 'server.3=10.9.0.4:2888:3888'])
    expect(serverId(nodes, 'n3')).toBe(3)
    expect(() => serverId(nodes, 'n9')).toThrow(RangeError)
  })

  it('starts the JVM with a capped heap, a logger, and the config file last', () => {
    const argv = javaArgv('/etc/zk/zoo.cfg')
    expect(argv[0]).toBe('java')
    expect(argv).toContain('-Xmx256m')
    expect(argv[argv.indexOf('-cp') + 1]).toContain('/usr/share/java/slf4j-simple.jar')
    expect(argv.slice(-2)).toEqual(['org.apache.zookeeper.server.quorum.QuorumPeerMain', '/etc/zk/zoo.cfg'])
  })

  it("reads the server's mode from srvr", () => {
    expect(modeOf('Zookeeper version: 3.8.0\nLatency min/avg/max: 0/0.5/3\nMode: follower\nNode count: 5\n')).toBe('follower')
    expect(modeOf('This ZooKeeper instance is not currently serving requests\n')).toBeUndefined()
  })
})
