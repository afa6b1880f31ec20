// The engine against real libbpf: every relocation of every fixture object, on every target, field by field —
// once against libbpf on x86-64 (little-endian host) and once against the same libbpf on s390x (big-endian host).

import * as assert from 'assert';
import * as path from 'path';
import { ORACLE_S390X, ORACLE_X86, OracleHost, OracleLine, compareObject, oracleObjects, readOracle } from '../support/oracle';

const KIND_LSHIFT_U64 = 4;

function differential(host: OracleHost, title: string) {
  describe(title, function () {
    this.timeout(120_000);
    let total = 0;
    let totalDiffs = 0;
    for (const object of oracleObjects(host)) {
      it(`${object}: every relocation × target equals libbpf (${host.name})`, async () => {
        const c = await compareObject(object, host);
        total += c.compared;
        totalDiffs += c.differences.length;
        assert.ok(c.compared > 0, 'nothing compared');
        assert.deepStrictEqual(c.differences.slice(0, 40), [], `${c.differences.length} differences`);
      });
    }
    after(() => {
      const label = host === ORACLE_X86 ? 'oracle' : `oracle (${host.name}, ${host.littleEndian ? 'little' : 'big'}-endian)`;
      console.log(`      ${label}: ${total} relocation × target results compared, ${totalDiffs} differences`);
    });
  });
}

differential(ORACLE_X86, 'CO-RE engine agrees with libbpf 1.1.2 (differential, committed oracle output)');
differential(ORACLE_S390X, 'CO-RE engine agrees with libbpf 1.1.2 on a big-endian host (s390x under qemu, littleEndian: false)');

describe('the s390x oracle differs from the x86-64 one only in LSHIFT_U64', () => {
  const key = (l: OracleLine) => `${l.target} ${l.section}+${l.insnOff} ${l.kind} ${l.typeId} ${l.access}`;
  let lshift = 0;
  let lshiftChanged = 0;
  const noS390x = oracleObjects(ORACLE_X86).filter((o) => !oracleObjects(ORACLE_S390X).includes(o));

  it('the s390x oracle output is committed', () => {
    assert.ok(oracleObjects(ORACLE_S390X).length > 0, 'no test-fixtures/expected/oracle-s390x/*.jsonl: run scripts/oracle.sh --s390x');
  });

  for (const object of oracleObjects(ORACLE_S390X)) {
    it(`${object}: same records and values as on x86-64, LSHIFT_U64 aside`, () => {
      const be = readOracle(path.join(ORACLE_S390X.dir, `${object}.jsonl`));
      const le = readOracle(path.join(ORACLE_X86.dir, `${object}.jsonl`));
      const targets = new Set(be.map((l) => l.target));
      // Targets libbpf cannot open on s390x (a non-native BTF with a 32-byte header) are absent from its output.
      const leSame = le.filter((l) => targets.has(l.target));
      assert.strictEqual(be.length, leSame.length, 'line counts');
      be.forEach((b, i) => {
        const l = leSame[i]!;
        assert.strictEqual(key(b), key(l), `line ${i}`);
        if (b.kind === KIND_LSHIFT_U64 && b.err === 0) {
          lshift++;
          if (b.origVal !== l.origVal || b.newVal !== l.newVal) lshiftChanged++;
          assert.deepStrictEqual({ ...b, origVal: 0n, newVal: 0n }, { ...l, origVal: 0n, newVal: 0n }, `${key(b)}`);
        } else {
          assert.deepStrictEqual(b, l, `${key(b)}`);
        }
      });
    });
  }

  // Hand-checked (bpftool btf dump): struct core_reloc_bitfields { __u8 ub1:1 @ bit 0; __u32 ub7:7 @ bit 3;
  // __s32 sb20:20 @ bit 32 } on target base.bpfeb. Big-endian host: 8*(8 - byte_sz) + (bit_off - 8*byte_off);
  // little-endian host: 64 - (bit_off + bit_sz - 8*byte_off).
  it('hand-checked bitfield LSHIFT_U64 values (sel_bitfields.bpfeb on base.bpfeb)', () => {
    const lshiftOf = (host: OracleHost, access: string) => readOracle(path.join(host.dir, 'sel_bitfields.bpfeb.jsonl'))
      .find((l) => l.target === 'base.bpfeb' && l.section === 'raw_tp/bitfields_probed' && l.kind === KIND_LSHIFT_U64 && l.access === access)!.newVal;
    assert.deepStrictEqual(['0:0', '0:2', '0:4'].map((a) => lshiftOf(ORACLE_S390X, a)), [56n, 35n, 32n]);
    assert.deepStrictEqual(['0:0', '0:2', '0:4'].map((a) => lshiftOf(ORACLE_X86, a)), [63n, 54n, 44n]);
  });

  after(() => {
    console.log(`      oracle (s390x vs x86-64): ${lshift} LSHIFT_U64 results, ${lshiftChanged} with a different value; everything else identical`);
    if (noS390x.length) console.log(`      oracle (s390x): no output yet for ${noS390x.join(', ')} (run scripts/oracle.sh --s390x)`);
  });
});
