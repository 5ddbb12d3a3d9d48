#!/usr/bin/env python3
"""listing.py: selections (VAULT/PREFIX*, VAULT/*), --tag, --include-managed,
the listing's pages and nextLinks, --out-dir --prune and exec --env-from,
end to end against the fake Azure's listed vault (fixtures.LIST_VAULT: 60
secrets over 3 pages, the nextLink in the service's own form).

    tests/netns.sh -- python3 tests/e2e/listing.py [-l] [PATTERN...]

Cases are functions on harness.py (every azkv run gets its invariants; the
listed vault's values are secrets too): one line per case, then "N passed,
N failed". exec's program is build/envdump (tests/e2e/envdump.c), which
records its environment.
"""
import os
import stat
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness as H  # noqa: E402
from harness import fx, ENVDUMP, failure_shape, ok_shape, read_dump  # noqa: E402

V = "lister"   # the listed vault, short form
HOST = fx.LIST_VAULT


def run(args, env=None, control=None, rc=None):
    """harness.run_azkv with the fake's control for this run."""
    return H.run_azkv(args, rc, env=env, control=control, timeout=120)


def reqs(r, path=None):
    """The run's vault requests, those of one path if given."""
    return [e for e in r.reqs("vault") if path is None or e["path"] == path]


def secret_gets(r):
    return [e["path"][len("/secrets/"):] for e in reqs(r) if e["path"].startswith("/secrets/")]


def values(names, sep=b""):
    return sep.join(fx.listed(n)["value"].encode() for n in names)


def check(r, rc=0, out=None, needle=None):
    """None, or what is wrong with r: its exit, stdout, a text on stderr."""
    return failure_shape(r, rc, needle) if rc else ok_shape(r, out)


def exec_run(tmp, extra, env=None, control=None, rc=None):
    dump = os.path.join(tmp, "dump")
    r = run(["exec"] + extra + ["--", ENVDUMP, dump], env=env, control=control, rc=rc)
    return r, (read_dump(dump)["env"] if os.path.exists(dump) else None)


# ---- get -------------------------------------------------------------------

def t_get_prefix(tmp):
    """VAULT/PREFIX*: the selected secrets in the vault's order, read over the
    listing's connection and token; the pages follow the nextLinks as given"""
    want = fx.selected("app-")
    r = run(["get", V + "/app-*"])
    why = check(r, 0, values(want))
    if why:
        return why
    lists = reqs(r, "/secrets")
    if [e["query"].get("maxresults") for e in lists] != ["25"] * 3:
        return "want 3 pages of 25, got %r" % [e["target"] for e in lists]
    if lists[0]["target"] != "/secrets?api-version=7.5&maxresults=25":
        return "first page asked as %r" % lists[0]["target"]
    if "$skiptoken=" not in lists[1]["target"] or lists[1]["target"] == lists[2]["target"]:
        return "nextLinks not followed: %r" % [e["target"] for e in lists]
    if secret_gets(r) != want:
        return "read %r, want %r (no disabled, expired, future or managed)" % (secret_gets(r), want)
    if len(r.reqs("imds")) != 1:
        return "want one token request"
    conns = {e["conn"] for e in reqs(r)}
    if len(conns) != 1:
        return "listing and reads took %d connections" % len(conns)
    return None


def t_get_sixty(tmp):
    """VAULT/*: all 60 secrets of 3 pages read (every one valid), one connection"""
    names = [s["name"] for s in fx.LISTING]
    r = run(["get", "-n", V + "/*"], control={"list": "all-valid"})
    why = check(r, 0, values(names, b"\n") + b"\n")
    if why:
        return why
    if len(reqs(r)) != 63 or len({e["conn"] for e in reqs(r)}) != 1:
        return "want 63 requests on one connection, got %d" % len(reqs(r))
    print("# 60 secrets listed (3 pages) and read in %.1f ms" % (r.elapsed * 1000))
    return None


def t_get_url_form_and_case(tmp):
    """https://HOST/secrets/PREFIX*, the prefix compared in any case"""
    want = fx.selected("app-m")
    r = run(["get", "https://%s/secrets/APP-M*" % HOST])
    return check(r, 0, values(want)) or (None if want == ["App-Mixed-Case"] else "fixture changed")


def t_get_tags(tmp):
    """--tag KEY=VALUE, repeated: every one must match"""
    want = fx.selected("app-", ["env=prod", "team=pay"])
    r = run(["get", "--tag", "env=prod", "--tag", "team=pay", V + "/app-*"])
    return check(r, 0, values(want)) or (None if len(want) == 7 else "fixture changed: %r" % want)


def t_get_with_plain_refs(tmp):
    """a selection among plain references: argument order, the selection's
    secrets in its place"""
    want = ["zz-last"] + fx.selected("app-db-") + ["web-maps-key"]
    r = run(["get", V + "/zz-last", V + "/app-db-*", V + "/web-maps-key"])
    return check(r, 0, values(want))


def t_include_managed(tmp):
    """a certificate's secret (managed) only with --include-managed"""
    r = run(["get", V + "/app-t*"])
    why = check(r, 5, None, "1 managed")
    if why:
        return why
    r = run(["get", "--include-managed", V + "/app-t*"])
    return check(r, 0, values(["app-tls"]))


def t_empty_selection(tmp):
    """nothing selected: exit 5, saying what was matched against"""
    r = run(["get", V + "/nothing-*"])
    why = check(r, 5, None, "listing %s/nothing-*: no secret selected (3 pages, 60 items, 0 selected" % HOST)
    if why:
        return why
    r = run(["get", "--tag", "env=qa", V + "/app-*"])
    why = check(r, 5, None, "app-* --tag env=qa: no secret selected")
    if why:
        return why
    return None if not secret_gets(r) else "secrets read: %r" % secret_gets(r)


def t_verbose_counts(tmp):
    """-v: pages, items, selected, and each reason to skip"""
    r = run(["get", "-v", "--tag", "env=prod", V + "/app-*"])
    if r.rc != 0:
        return "exit %r: %r" % (r.rc, r.err[-300:])
    n = len(fx.selected("app-", ["env=prod"]))
    line = ("3 pages, 60 items, %d selected; 40 other names, 1 disabled, 1 expired, "
            "1 not yet valid, 1 managed, %d other tags" % (n, 16 - n))
    return None if line.encode() in r.err else "no %r in %r" % (line, r.err[:2000])


def t_read_failure_all_or_nothing(tmp):
    """one selected secret failing: exit as its error, nothing printed"""
    r = run(["get", V + "/app-db-*"], control={"vault:app-db-password": "404"})
    return check(r, 5, None, "app-db-password")


def t_over_64(tmp):
    """a selection counts in the 64-secret limit: more is exit 2 before any read"""
    r = run(["get", V + "/*"] + [V + "/zz-last"] * 12)
    why = check(r, 2, None, "more than 64 secrets")
    return why or (None if not secret_gets(r) else "secrets read: %r" % secret_gets(r)[:3])


def t_selection_refused_with_out(tmp):
    """--out and --pem take one secret: a selection with them is exit 2, nothing sent"""
    r = run(["get", "--out", os.path.join(tmp, "f"), V + "/app-*"])
    return check(r, 2, None, "a selection") or (None if not reqs(r) else "requests sent")


# ---- the pages and their nextLinks -----------------------------------------

def t_next_foreign_host(tmp):
    """a nextLink to another host is refused (exit 8): no request reaches it"""
    r = run(["get", V + "/*"], control={"list": "foreign"})
    why = check(r, 8, None, "nextLink")
    if why:
        return why
    hosts = {(e["headers"].get("host"), (e.get("tls") or {}).get("sni")) for e in reqs(r)}
    if any("other" in (h or "") or "other" in (s or "") for h, s in hosts):
        return "a request reached other.vault.azure.net: %r" % hosts
    if secret_gets(r) or len(reqs(r, "/secrets")) != 1:
        return "want the first page only, got %r" % [e["target"] for e in reqs(r)]
    return None


def t_next_loop(tmp):
    """a nextLink seen before stops the run (exit 8) without asking it again"""
    r = run(["get", V + "/*"], control={"list": "loop"})
    why = check(r, 8, None, "page 3: nextLink already followed (a loop)")
    if why:
        return why
    return None if len(reqs(r, "/secrets")) == 2 and not secret_gets(r) else \
        "requests %r" % [e["target"] for e in reqs(r)]


def t_next_endless(tmp):
    """pages are bounded: the 100th page with a nextLink is exit 8"""
    r = run(["get", V + "/*"], control={"list": "endless"})
    why = check(r, 8, None, "page 101: more than 100 pages")
    if why:
        return why
    n = len(reqs(r, "/secrets"))
    return None if n == 100 and not secret_gets(r) else "%d pages asked" % n


def t_page_malformed(tmp):
    """a page that is no page is exit 8, nothing read"""
    r = run(["get", V + "/*"], control={"vault:list": {"fault": "ok", "body": '{"value":{}}'}})
    why = check(r, 8, None, "not a page of secrets")
    return why or (None if not secret_gets(r) else "secrets read")


def t_tags15_page(tmp):
    """a page of 25 items with 15 tags of 256-byte values each parses"""
    key = "big-00-" + "n" * 50
    want = [s["name"] for s in fx.LISTING[:25] if s["name"] in fx.selected()]
    r = run(["get", "--tag", key + "=00" + "v" * 254, V + "/*"], control={"list": "tags15"})
    return check(r, 0, values(want)) or (None if len(want) >= 20 else "fixture: %d selected" % len(want))


# ---- --out-dir --prune -----------------------------------------------------

def files(d):
    return sorted(os.listdir(d))


def t_out_dir_prune(tmp):
    """--prune removes the files azkv wrote for secrets no longer selected,
    and leaves every file it did not write"""
    d = os.path.join(tmp, "out")
    os.mkdir(d)
    for name in ("mine", "app-db-mine"):
        with open(os.path.join(d, name), "w") as f:
            f.write("not azkv's")
    r = run(["get", "--out-dir", d, "--prune", V + "/app-db-*"])
    why = check(r, 0, b"")
    if why:
        return why
    want = sorted(fx.selected("app-db-") + [".azkv-manifest", "mine", "app-db-mine"])
    if files(d) != want:
        return "first run: %r, want %r" % (files(d), want)
    for n in fx.selected("app-db-"):
        st = os.stat(os.path.join(d, n))
        with open(os.path.join(d, n), "rb") as f:
            if f.read() != values([n]) or stat.S_IMODE(st.st_mode) != 0o600:
                return "%s: wrong content or mode" % n
    r = run(["get", "--out-dir", d, "--prune", V + "/app-db-p*"])
    why = check(r, 0, b"")
    if why:
        return why
    want = sorted(["app-db-password", ".azkv-manifest", "mine", "app-db-mine"])
    if files(d) != want:
        return "second run: %r, want %r" % (files(d), want)
    with open(os.path.join(d, ".azkv-manifest")) as f:
        if f.read().splitlines()[1:] != ["app-db-password"]:
            return "manifest not rewritten"
    r = run(["get", "--out-dir", d, V + "/app-api-*"])    # without --prune: nothing removed
    if check(r, 0, b"") or "app-db-password" not in files(d):
        return "a run without --prune removed a file"
    return None


def t_prune_failed_write_removes_nothing(tmp):
    """a write that fails (a target is a folder) prunes nothing"""
    d = os.path.join(tmp, "out")
    os.mkdir(d)
    if check(run(["get", "--out-dir", d, "--prune", V + "/app-db-*"]), 0, b""):
        return "first run failed"
    os.mkdir(os.path.join(d, "app-api-key"))
    r = run(["get", "--out-dir", d, "--prune", V + "/app-api-*"])
    why = check(r, 2, None, "refusing to replace a directory")
    if why:
        return why
    return None if "app-db-host" in files(d) else "pruned although the write failed"


def t_prune_needs_out_dir(tmp):
    r = run(["get", "--prune", V + "/app-*"])
    return check(r, 2, None, "--prune goes with --out-dir") or (None if not reqs(r) else "requests sent")


def t_prune_foreign_manifest(tmp):
    """a manifest azkv did not write is refused: exit 2, nothing written or removed"""
    d = os.path.join(tmp, "out")
    os.mkdir(d)
    with open(os.path.join(d, ".azkv-manifest"), "w") as f:
        f.write("mine\n")
    with open(os.path.join(d, "mine"), "w") as f:
        f.write("x")
    r = run(["get", "--out-dir", d, "--prune", V + "/app-db-*"])
    why = check(r, 2, None, "not azkv's manifest")
    return why or (None if files(d) == [".azkv-manifest", "mine"] else "files changed: %r" % files(d))


# ---- exec ------------------------------------------------------------------

def t_exec_env_from(tmp):
    """--env-from VAULT/PREFIX*: NAME upper-cased, '-' as '_', the prefix removed"""
    r, env = exec_run(tmp, ["--env-from", V + "/app-db-*"], env={"KEEP": "x"})
    why = check(r, 0, b"")
    if why:
        return why
    want = {"HOST": "app-db-host", "PASSWORD": "app-db-password", "USER": "app-db-user"}
    for k, n in want.items():
        if env.get(k) != values([n]):
            return "%s = %r" % (k, env.get(k))
    return None if env.get("KEEP") == b"x" else "other variables lost"


def t_exec_env_prefix(tmp):
    """--env-prefix P before each name, as given"""
    r, env = exec_run(tmp, ["--env-from", V + "/app-db-*", "--env-prefix", "App_"])
    return check(r, 0, b"") or (None if env.get("App_PASSWORD") == values(["app-db-password"])
                                else "App_PASSWORD missing: %r" % sorted(env))


def t_exec_akv_selection(tmp):
    """an akv://VAULT/PREFIX* value: its variable goes, the secrets come"""
    r, env = exec_run(tmp, [], env={"SECRETS": "akv://%s/app-smtp-*" % V,
                                    "ONE": "akv://%s/zz-last" % V})
    why = check(r, 0, b"")
    if why:
        return why
    if "SECRETS" in env:
        return "the selection's variable was passed on"
    if env.get("ONE") != values(["zz-last"]) or env.get("USER") != values(["app-smtp-user"]):
        return "variables %r" % sorted(env)
    return None


def t_exec_set_variable_wins(tmp):
    """a variable already set keeps its value (its secret not read) unless --env-override"""
    r, env = exec_run(tmp, ["--env-from", V + "/app-db-*"], env={"USER": "me"})
    why = check(r, 0, b"")
    if why:
        return why
    if env.get("USER") != b"me" or "app-db-user" in secret_gets(r):
        return "USER %r, reads %r" % (env.get("USER"), secret_gets(r))
    r, env = exec_run(tmp, ["--env-from", V + "/app-db-*", "--env-override"], env={"USER": "me"})
    return check(r, 0, b"") or (None if env.get("USER") == values(["app-db-user"]) else "not overridden")


def t_exec_collision(tmp):
    """two secrets making one variable: exit 2 before any secret is read"""
    r, env = exec_run(tmp, ["--env-from", V + "/app-*", "--env-from", V + "/web-*"])
    why = check(r, 2, None, "variable API_KEY made twice")
    if why:
        return why
    return None if env is None and not secret_gets(r) else "read %r, ran %r" % (secret_gets(r), env is not None)


def t_exec_invalid_name(tmp):
    """a secret making no variable name (a digit first): exit 2, nothing read"""
    r, env = exec_run(tmp, ["--env-from", V + "/odd-*"])
    why = check(r, 2, None, "lister.vault.azure.net/odd-9lives makes no variable name")
    return why or (None if env is None and not secret_gets(r) else "read or ran")


def t_exec_total_limit(tmp):
    """references and selections count together in the 64 limit"""
    refs = {"R%d" % i: "akv://%s/zz-last" % V for i in range(12)}
    r, env = exec_run(tmp, ["--env-from", V + "/*", "--env-prefix", "X_"], env=refs)
    why = check(r, 2, None, "more than 64 secrets")
    return why or (None if env is None and not secret_gets(r) else "read or ran")


def t_exec_not_a_selection(tmp):
    r, env = exec_run(tmp, ["--env-from", V + "/app-db-password"])
    return check(r, 2, None, "want VAULT/PREFIX*") or (None if not reqs(r) else "requests sent")


CASES = H.fn_cases(globals(), tmp="azkv-list.")


def main(argv):
    return H.main(__file__, CASES, argv, __doc__, setup=H.ensure_envdump)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
