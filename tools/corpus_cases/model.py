"""What a corpus case is, and the small vocabulary the case modules use to declare them.

A case module builds a `Cases(area)` list and calls `read`, `migrate` or `write` on it. A
verdict per profile is one of:

  ACCEPT            the file is accepted (migrated, written)
  EITHER            implementation-defined (spec says MAY)
  "R-XXX-N"         rejected; the implementation must report this rule
  ("R-A", "R-B")    rejected; the file necessarily breaks several rules at once (the spec
                    makes a single break impossible, e.g. R-LAY-1 + R-LAY-5 imply R-LAY-2),
                    so reporting any of them is right
  None              the profile does not apply

The file name prefix (y_/n_/i_) is derived from the strict verdict, so it cannot disagree.
"""

ACCEPT = "accept"
EITHER = "either"


class Case:
    def __init__(self, area, name, kind, data, description, strict, compat, rules):
        assert kind in ("read", "migrate", "write")
        assert not name.startswith(("y_", "n_", "i_")), name
        self.area = area
        self.kind = kind
        self.data = bytes(data)
        self.description = description
        self.verdicts = {}
        for profile, v in (("strict", strict), ("compat", compat)):
            if v is None:
                continue
            if isinstance(v, str) and v not in (ACCEPT, EITHER):
                v = (v,)
            self.verdicts[profile] = v
        assert "strict" in self.verdicts, name
        sv = self.verdicts["strict"]
        prefix = "y_" if sv == ACCEPT else "i_" if sv == EITHER else "n_"
        self.name = prefix + name
        self.id = area + "/" + self.name
        ordered = []
        for profile in ("strict", "compat"):
            v = self.verdicts.get(profile)
            if isinstance(v, tuple):
                ordered += [r for r in v if r not in ordered]
        ordered += [r for r in rules if r not in ordered]
        assert ordered, f"{self.id}: a case must name at least one rule"
        self.rules = ordered
        # Filled in by the generator:
        self.dump = None       # expected dump bytes
        self.output = None     # expected output bytes (migrate, write)
        self.roundtrip = "none"
        self.outcomes = {}     # profile -> pyacepack's outcome, for --verbose
        self.rejections = {}   # profile -> (rule, offset) of pyacepack's rejection (spec 7.2)
        self.expect_kv = None
        self.expect_n_events = None
        self.expect_at = {}    # profile -> (rule, offset) we expect from spec 7.2, checked
        self.sparse = None     # (at, zeros): the file read is data with zeros inserted at at

    def expect(self):
        out = {}
        for profile, v in self.verdicts.items():
            out[profile] = v if v in (ACCEPT, EITHER) else "reject"
        return out

    def ext(self):
        return ".dump.json" if self.kind == "write" else ".ace"


class Cases(list):
    """The cases of one area, in declaration order."""

    def __init__(self, area):
        super().__init__()
        self.area = area
        self.names = set()

    def _add(self, case):
        if case.name in self.names:
            raise ValueError(f"duplicate case {case.id}")
        self.names.add(case.name)
        self.append(case)
        return case

    def read(self, name, data, description, strict, compat, rules=(), kv=None, n_events=None,
             at=None, sparse=None):
        """A file to read under both profiles (compat=None: strict only).

        kv / n_events: the content we expect from our own reading of the spec; the generator
        checks pyacepack's content against them (a second, independent opinion on meaning).
        at: {profile: (rule, offset)}, the rejection spec 7.2 names, worked out by hand; the
        generator checks that pyacepack reports exactly it (the offset the manifest records
        then rests on the spec, not only on pyacepack).
        sparse: (at, zeros) for a file over 4 GiB kept small: the file read is data with
        `zeros` zero bytes inserted at offset `at` (the runner makes it as a sparse file)."""
        c = self._add(Case(self.area, name, "read", data, description, strict, compat, rules))
        c.sparse = sparse
        c.expect_kv = kv
        c.expect_n_events = n_events
        c.expect_at = dict(at or {})
        return c

    def migrate(self, name, data, description, strict, compat, rules=(), base=None,
                n_events=None, kv_keys=None, gaps=None, at=None):
        """A v1 file to migrate; ACCEPT means it migrates (output computed by pyacepack).

        base / n_events / kv_keys / gaps: what we expect of the output from our own reading of
        section 10 (evt_base_id, number of events, the set of keys left in the KV map, number
        of gap events); the generator checks pyacepack's output against them. at: as for
        read()."""
        c = self._add(Case(self.area, name, "migrate", data, description, strict, compat,
                           rules))
        c.expect_migration = dict(base=base, n_events=n_events, kv_keys=kv_keys, gaps=gaps)
        c.expect_at = dict(at or {})
        return c

    def write(self, name, dump_bytes, description, verdict, rules=()):
        """A conformance dump to write as a canonical file; ACCEPT means it is writable."""
        return self._add(Case(self.area, name, "write", dump_bytes, description, verdict, None,
                              rules))
