#!/usr/bin/env python3
"""tests/bench/fleet.py DIR HOSTS DESKTOPS RUNNING POOLS VOLUMES

Writes DIR/host1.xml .. hostHOSTS.xml: libvirt test-driver node files, each
with DESKTOPS desktops (the first RUNNING of them running, the rest shut
off), POOLS dir pools of VOLUMES qcow2 volumes each, every desktop with a
disk on one of its host's volumes and one NIC. The lab's libvirtd serves
them as test+tcp://127.0.0.1:PORT/DIR/hostN.xml (the daemon opens the
file: DIR must be an absolute path the node's mount namespace sees).
Deterministic: the same arguments give the same files (uuids included)."""
import sys

def uuid(h, kind, k):
    return "6876646b-%04x-4%03x-8%03x-%012x" % (h, kind, 0, k)

def host_xml(h, ndesk, nrun, npools, nvols):
    out = ['<node xmlns:test="http://libvirt.org/schemas/domain/test/1.0">',
           '<cpu><mhz>2400</mhz><nodes>1</nodes><sockets>2</sockets>'
           '<cores>16</cores><threads>2</threads><active>64</active></cpu>',
           '<memory>536870912</memory>']
    for d in range(1, ndesk + 1):
        p = (d - 1) % npools + 1
        v = (d - 1) % nvols + 1
        state = "" if d <= nrun else "<test:runstate>5</test:runstate>"
        out.append(
            "<domain type='test'><name>h%03d-d%04d</name><uuid>%s</uuid>"
            "<memory unit='MiB'>2048</memory><currentMemory unit='MiB'>2048</currentMemory>"
            "<vcpu>2</vcpu><os><type arch='x86_64'>hvm</type></os>"
            "<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
            "<source file='/bench/h%03d/pool%d/vol%04d.qcow2'/><target dev='vda' bus='virtio'/></disk>"
            "<interface type='bridge'><mac address='52:54:00:%02x:%02x:%02x'/><source bridge='br0'/>"
            "<model type='virtio'/></interface></devices>%s</domain>"
            % (h, d, uuid(h, 1, d), h, p, v, h % 256, d // 256, d % 256, state))
    for p in range(1, npools + 1):
        out.append("<pool type='dir'><name>pool%d</name><uuid>%s</uuid>"
                   "<capacity>1099511627776</capacity><allocation>107374182400</allocation>"
                   "<available>992137445376</available>"
                   "<target><path>/bench/h%03d/pool%d</path></target>"
                   % (p, uuid(h, 2, p), h, p))
        for v in range(1, nvols + 1):
            back = ("<backingStore><path>/bench/h%03d/pool1/vol0001.qcow2</path>"
                    "<format type='qcow2'/></backingStore>" % h) if (p > 1) else ""
            out.append("<volume type='file'><name>vol%04d.qcow2</name>"
                       "<key>/bench/h%03d/pool%d/vol%04d.qcow2</key>"
                       "<capacity>21474836480</capacity><allocation>1073741824</allocation>"
                       "<target><path>/bench/h%03d/pool%d/vol%04d.qcow2</path>"
                       "<format type='qcow2'/></target>%s</volume>"
                       % (v, h, p, v, h, p, v, back))
        out.append("</pool>")
    out.append("</node>")
    return "\n".join(out) + "\n"

def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    d = sys.argv[1]
    hosts, ndesk, nrun, npools, nvols = map(int, sys.argv[2:])
    for h in range(1, hosts + 1):
        # spread the running desktops evenly: RUNNING in all, not per host
        run = nrun // hosts + (1 if h <= nrun % hosts else 0)
        with open("%s/host%d.xml" % (d, h), "w") as f:
            f.write(host_xml(h, ndesk, run, npools, nvols))

main()
