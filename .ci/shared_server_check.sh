#!/usr/bin/env bash
# The README's "Several staff on one server" set-up, performed for real on this machine, then
# checked as the people who use it (issue #20). Needs root (CI runs as root); run by .ci/run.
#
# It installs what the README installs (sudo, acl, python3-venv) when missing, creates a service
# account, a staff group and four users, a venv made with /usr/bin/python3, a sudoers file
# (0440, checked with visudo -c) and a temporary /etc/cirkel.toml — all under names of its own
# (ckci-*) and a temporary folder — and removes every one of them when it ends, on success,
# failure or interruption; packages it had to install are purged again.
#
# Checks: nobody in the group can gain a role by any option (--demo, demo, --db, CIRKEL_DB, init,
# staff add); a terapeut can punch; an export reaches its maker, readable by them alone (outbox with
# an ACL, --out FILE, --out - into their own shell); a user outside the group and a group member
# without sudo get Cirkel's own words; the TUI under sudo shows the real person and exits within
# 2 s when its terminal closes.
set -uo pipefail

if [ "$(id -u)" != 0 ]; then
    echo "shared_server_check: skipped (needs root)"
    exit 0
fi

REPO=$(cd "$(dirname "$0")/.." && pwd)
MARK="cirkel shared-server check"
SVC=ckci-cirkel
GROUP=ckci-staff
ADMIN=ckci-admin      # the first admin (makes the database, exports)
TERA=ckci-tera        # a terapeut
MEMBER=ckci-member    # in the staff group, not registered in Cirkel
OUTSIDER=ckci-out     # not in the group
USERS=("$ADMIN" "$TERA" "$MEMBER" "$OUTSIDER")
SUDOERS=/etc/sudoers.d/ckci-cirkel
PACKAGES_NOTE=/var/tmp/ckci-cirkel-packages  # what this check installed, should a run be killed
GROUP_NOTE=/var/tmp/ckci-cirkel-group        # the group is this check's (groups have no comment)
CONFIG=/etc/cirkel.toml
BASE=""
INSTALLED=()
FAILED=0
PASSED=0

say() { printf '%s\n' "shared_server_check: $*"; }

ours_user() { # a user this script made (its comment carries the mark)
    getent passwd "$1" | cut -d: -f5 | grep -qF "$MARK"
}

cleanup() {
    set +e
    if [ -n "${CIRKEL_CHECK_HOLD:-}" ]; then  # a debugging aid: look around before it all goes
        say "holding the set-up for $CIRKEL_CHECK_HOLD s (base $BASE)"; sleep "$CIRKEL_CHECK_HOLD"
    fi
    for u in "${USERS[@]}" "$SVC"; do
        if ours_user "$u"; then
            pkill -KILL -U "$(id -u "$u")" 2>/dev/null  # only processes of the accounts made here
            userdel -f -r "$u" >/dev/null 2>&1 || userdel -f "$u" >/dev/null 2>&1
        fi
    done
    if [ -f "$GROUP_NOTE" ]; then getent group "$GROUP" >/dev/null && groupdel "$GROUP"; rm -f "$GROUP_NOTE"; fi
    if [ -f "$SUDOERS" ] && grep -qF "$MARK" "$SUDOERS"; then rm -f "$SUDOERS"; fi
    if [ -f "$CONFIG" ] && grep -qF "$MARK" "$CONFIG"; then rm -f "$CONFIG"; fi
    [ -n "$BASE" ] && [ -d "$BASE" ] && rm -rf "$BASE"
    rm -rf /var/tmp/ckci-cirkel.?????? 2>/dev/null
    if [ -f "$PACKAGES_NOTE" ]; then read -r -a INSTALLED <"$PACKAGES_NOTE"; fi
    if [ ${#INSTALLED[@]} -gt 0 ] && [ -z "${CIRKEL_CHECK_KEEP_PACKAGES:-}" ]; then
        if SUDO_FORCE_REMOVE=yes DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${INSTALLED[@]}" \
                >/dev/null 2>&1; then
            rm -f "$PACKAGES_NOTE"
        else
            say "could not purge ${INSTALLED[*]}"
        fi
    fi
    INSTALLED=()
}

# A real Cirkel set-up on this machine is never touched.
if [ -f "$CONFIG" ] && ! grep -qF "$MARK" "$CONFIG"; then
    say "FAILED: $CONFIG exists and is not this check's; run it on a machine without a Cirkel set-up"
    exit 1
fi
for u in "${USERS[@]}" "$SVC"; do
    if getent passwd "$u" >/dev/null && ! ours_user "$u"; then
        say "FAILED: a user $u exists that this check did not make"
        exit 1
    fi
done
if getent group "$GROUP" >/dev/null && [ ! -f "$GROUP_NOTE" ]; then
    say "FAILED: a group $GROUP exists that this check did not make"
    exit 1
fi
CIRKEL_CHECK_HOLD="" cleanup  # what a killed earlier run left behind
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

ok() { PASSED=$((PASSED + 1)); say "ok: $*"; }
bad() { FAILED=$((FAILED + 1)); say "FAILED: $*"; }

# --- 0. packages (README step 0) ------------------------------------------------------------
need=()
command -v sudo >/dev/null || need+=(sudo)
command -v setfacl >/dev/null || need+=(acl)
[ -x /usr/bin/python3 ] || need+=(python3)
/usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/dev/null 2>&1; then
        say "FAILED: apt-get install ${need[*]}"
        exit 1
    fi
    INSTALLED=("${need[@]}")
    printf '%s\n' "${INSTALLED[*]}" >"$PACKAGES_NOTE"
fi

BASE=$(mktemp -d /var/tmp/ckci-cirkel.XXXXXX)
chmod 755 "$BASE"
OPT=$BASE/opt/cirkel             # README: /opt/cirkel
LIB=$BASE/lib/cirkel             # README: /var/lib/cirkel
OUTBOX=$BASE/lib/cirkel-outbox   # README: /var/lib/cirkel-outbox
CIRKEL=$OPT/bin/cirkel
DB=$LIB/cirkel.db
mkdir -p "$BASE/opt" "$BASE/lib" "$BASE/home"
chmod 755 "$BASE/opt" "$BASE/lib" "$BASE/home"

# --- 1. the service account and its folders ---------------------------------------------------
useradd --system --home-dir "$LIB" --shell /usr/sbin/nologin --comment "$MARK" "$SVC" || { bad "useradd"; exit 1; }
install -d -o "$SVC" -m 700 "$LIB"
install -d -o "$SVC" -m 711 "$OUTBOX"

# --- 2. install where everybody can run it ------------------------------------------------------
say "installing Cirkel into a venv made with /usr/bin/python3"
mkdir "$BASE/src"  # a copy, so the build leaves nothing in the checkout
tar -C "$REPO" --exclude=./.git --exclude=./build --exclude='*.egg-info' -cf - . | tar -C "$BASE/src" -xf -
if ! { /usr/bin/python3 -m venv "$OPT" && "$OPT/bin/pip" install -q --disable-pip-version-check "$BASE/src"; } \
        >"$BASE/pip.log" 2>&1; then
    tail -20 "$BASE/pip.log"
    bad "pip install"
    exit 1
fi

# --- 3. /etc/cirkel.toml ----------------------------------------------------------------------
write_config() {
    cat >"$CONFIG" <<EOF
# $MARK (.ci/shared_server_check.sh): removed when the check ends
database = "$DB"
service_account = "$SVC"
outbox = "$OUTBOX"
$1
EOF
    chmod 644 "$CONFIG"
}
write_config ""

# --- 4. the group, the users, sudoers, the alias ----------------------------------------------------
groupadd "$GROUP" && touch "$GROUP_NOTE"
declare -A NAMES=([$ADMIN]="Ada Admin" [$TERA]="Tea Terapeut" [$MEMBER]="Mo Medlem" [$OUTSIDER]="Ove Udenfor")
for u in "${USERS[@]}"; do
    useradd --create-home --home-dir "$BASE/home/$u" --shell /bin/bash --comment "${NAMES[$u]},$MARK" "$u"
done
for u in "$ADMIN" "$TERA" "$MEMBER"; do usermod -aG "$GROUP" "$u"; done
cat >"$BASE/sudoers" <<EOF
# $MARK
Defaults>$SVC env_keep += "TERM COLORTERM"
%$GROUP ALL=($SVC) NOPASSWD: $CIRKEL
EOF
chmod 440 "$BASE/sudoers"
if visudo -c -q -f "$BASE/sudoers"; then ok "visudo -c accepts the sudoers file"; else bad "visudo -c"; exit 1; fi
install -m 440 -o root -g root "$BASE/sudoers" "$SUDOERS"
ALIAS="alias cirkel='umask 077; sudo -u $SVC $CIRKEL'"
for u in "$ADMIN" "$TERA" "$MEMBER"; do
    printf '%s\n' "$ALIAS" >>"$BASE/home/$u/.bashrc"
done

# as USER, in a login shell as over SSH: stdout to $OUT, stderr to $ERR, exit code in $RC
OUT=$BASE/out; ERR=$BASE/err
as() {
    local user=$1; shift
    runuser -l "$user" -c "$*" </dev/null >"$OUT" 2>"$ERR"
    RC=$?
}
run_cirkel() { local user=$1; shift; as "$user" "umask 077; sudo -n -u $SVC $CIRKEL $*"; }

expect() { # expect CODE WORDS... : the last command's exit code and words on stderr (one line)
    local code=$1 what=$2; shift 2
    local fine=1
    [ "$RC" = "$code" ] || fine=0
    for w in "$@"; do grep -qF -- "$w" "$ERR" "$OUT" || fine=0; done
    if grep -qE "Traceback|uventet fejl" "$ERR"; then fine=0; fi
    if [ "$code" != 0 ] && [ "$(wc -l <"$ERR")" != 1 ]; then fine=0; fi
    if [ $fine = 1 ]; then ok "$what"; else
        bad "$what (exit $RC)"; sed 's/^/    out: /' "$OUT" | head -5; sed 's/^/    err: /' "$ERR" | head -5
    fi
}

staff_rows() { "$OPT/bin/python" - "$DB" <<'EOF'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select login, role from staff order by id").fetchall())
EOF
}

# --- 5. the first admin and colleagues ----------------------------------------------------------
run_cirkel "$ADMIN" init
expect 0 "the first admin makes the database" "$ADMIN er administrator"
run_cirkel "$ADMIN" district add Hedensted --home-help 100
expect 0 "the admin adds a district"
run_cirkel "$ADMIN" staff add "$TERA" --name "'Tea Terapeut'" --role terapeut --district Hedensted
expect 0 "the admin adds a terapeut" "$TERA tilføjet som terapeut"
as "$ADMIN" "bash -ic 'cirkel district list'"
if [ "$RC" = 0 ] && grep -q Hedensted "$OUT"; then ok "the alias in ~/.bashrc runs Cirkel through sudo"
else bad "the alias (exit $RC): $(head -3 "$ERR")"; fi
as root "stat -c '%a %U' $DB"
if [ "$(cat "$OUT")" = "600 $SVC" ]; then ok "the database is 0600, owned by the service account"
else bad "the database is $(cat "$OUT")"; fi
for u in "$TERA" "$OUTSIDER"; do
    as "$u" "cat $DB"
    if [ "$RC" != 0 ]; then ok "$u cannot read the database file"; else bad "$u read the database file"; fi
done

# A card to punch on, imported through standard input (the service account cannot read ~/).
as "$ADMIN" "$OPT/bin/python - <<'EOF'
import datetime
from openpyxl import Workbook
wb = Workbook(); ws = wb.active; ws.title = 'Klippekort'
ws.append(['CPR', 'Navn', 'Distrikt', 'Kortnr', 'Starttidspunkt', 'Antal klip', 'Sluttidspunkt'])
ws.append(['010145-1234', 'Karen Jensen', 'Hedensted', 4471, datetime.date.today().replace(day=1), 2, None])
wb.save('kort.xlsx')
EOF"
run_cirkel "$ADMIN" import - '<' kort.xlsx
expect 0 "import - reads the admin's own file from standard input" "1 nyt kort"

# --- 6. daily use -------------------------------------------------------------------------------
run_cirkel "$TERA" punch 4471 1 --activity Gåtur
expect 0 "a terapeut can punch" "1 klip registreret på kort 4471"
"$OPT/bin/python" - "$DB" "$TERA" >"$OUT" 2>&1 <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute("select s.login from audit_log a join staff s on s.id = a.actor_id "
                 "order by a.id desc limit 1").fetchone()
print(row[0] if row else None)
EOF
if [ "$(cat "$OUT")" = "$TERA" ]; then ok "the audit log names the terapeut, not the service account"
else bad "the audit log names $(cat "$OUT")"; fi

# --- 7. nobody gains a role ----------------------------------------------------------------------
before=$(staff_rows)
run_cirkel "$MEMBER" pools
expect 1 "a group member who is not staff is refused" "ikke registreret som medarbejder" "staff add $MEMBER"
run_cirkel "$MEMBER" --demo pools
expect 1 "--demo is refused under the service account" "Demo er slået fra"
run_cirkel "$MEMBER" demo --citizens 5
expect 1 "demo is refused under the service account" "Demo er slået fra"
run_cirkel "$MEMBER" --db "$LIB/mine.db" init
expect 1 "--db is refused under the service account" "--db og CIRKEL_DB"
run_cirkel "$MEMBER" --db "$DB.before-0001-x.bak" pools
expect 1 "--db cannot open an old backup either" "--db og CIRKEL_DB"
as "$MEMBER" "CIRKEL_DB=$LIB/mine.db sudo -n -u $SVC $CIRKEL init"
expect 1 "CIRKEL_DB does not pass sudo: init meets the real database" "allerede oprettet"
as "$MEMBER" "sudo -n -u $SVC CIRKEL_DB=$LIB/mine.db $CIRKEL init"
if [ "$RC" != 0 ]; then ok "sudo refuses to set CIRKEL_DB"; else bad "sudo let CIRKEL_DB through"; fi
run_cirkel "$MEMBER" init
expect 1 "init on the real database is refused" "allerede oprettet"
run_cirkel "$MEMBER" staff add "$MEMBER" --name X --role admin
expect 1 "staff add by a non-staff member is refused" "ikke registreret som medarbejder"
run_cirkel "$TERA" staff add "$MEMBER" --name X --role admin
expect 1 "staff add by a terapeut is refused" "Kun administrator"
write_config "allow_demo = true"
run_cirkel "$MEMBER" --demo pools
expect 0 "with allow_demo the member gets a demo of their own"
if [ -f "$LIB/.local/share/cirkel/demo-$MEMBER.db" ]; then ok "... in demo-$MEMBER.db"; else bad "no demo-$MEMBER.db"; fi
run_cirkel "$MEMBER" pools
expect 1 "... and is still nobody in the real database" "ikke registreret som medarbejder"
write_config ""
if [ "$(staff_rows)" = "$before" ]; then ok "the real database's staff and roles are unchanged"
else bad "staff changed: $before -> $(staff_rows)"; fi
if [ ! -e "$LIB/mine.db" ]; then ok "no database was made where --db or CIRKEL_DB pointed"; else bad "$LIB/mine.db exists"; fi

# --- 8. files reach the person who asked, and only them --------------------------------------------
YEAR=$(date +%Y)
readable_only_by() { # readable_only_by FILE USER WHAT
    local file=$1 owner=$2 what=$3 u
    as "$owner" "cat '$file' >/dev/null"
    if [ "$RC" = 0 ]; then ok "$what: $owner can read it"; else bad "$what: $owner cannot read it: $(cat "$ERR")"; fi
    for u in "${USERS[@]}"; do
        [ "$u" = "$owner" ] && continue
        as "$u" "cat '$file' >/dev/null"
        if [ "$RC" != 0 ]; then ok "$what: $u cannot read it"; else bad "$what: $u read it"; fi
    done
}
run_cirkel "$ADMIN" export --year "$YEAR"
expect 0 "an export without --out goes to the maker's outbox" "$OUTBOX/$ADMIN/cirkel-$YEAR.xlsx" "scp $ADMIN@"
readable_only_by "$OUTBOX/$ADMIN/cirkel-$YEAR.xlsx" "$ADMIN" "the outbox export"
if getfacl -cp "$OUTBOX/$ADMIN/cirkel-$YEAR.xlsx" 2>/dev/null | grep -qx "user:$ADMIN:r--"; then
    ok "getfacl shows user:$ADMIN:r-- on the file"; else bad "getfacl: $(getfacl -cp "$OUTBOX/$ADMIN/cirkel-$YEAR.xlsx" 2>&1)"; fi
as "$ADMIN" "ls $OUTBOX/$ADMIN"
if grep -q "cirkel-$YEAR.xlsx" "$OUT"; then ok "the maker can list their outbox"; else bad "ls outbox: $(cat "$ERR")"; fi
as "$TERA" "ls $OUTBOX/$ADMIN"
if [ "$RC" != 0 ]; then ok "a colleague cannot list someone else's outbox"; else bad "$TERA listed $ADMIN's outbox"; fi
as "$TERA" "ls $OUTBOX"
if [ "$RC" != 0 ]; then ok "nobody can list the outbox root"; else bad "$TERA listed $OUTBOX"; fi
as "$ADMIN" "$OPT/bin/python -c \"import openpyxl; print(openpyxl.load_workbook('$OUTBOX/$ADMIN/cirkel-$YEAR.xlsx').sheetnames)\""
if grep -q Klippekort "$OUT"; then ok "the outbox file is a workbook the maker can open"; else bad "open: $(cat "$ERR")"; fi
as "$ADMIN" "rm $OUTBOX/$ADMIN/cirkel-$YEAR.xlsx"
if [ "$RC" = 0 ]; then ok "the maker can delete the file after fetching it"; else bad "rm: $(cat "$ERR")"; fi

as "$ADMIN" "cp kort.xlsx $OUTBOX/$ADMIN/ && chmod 644 $OUTBOX/$ADMIN/kort.xlsx"
run_cirkel "$ADMIN" import "$OUTBOX/$ADMIN/kort.xlsx" --dry-run
expect 0 "a spreadsheet copied into the outbox can be imported (the TUI's Import lists it)" "Kort der allerede findes"
as "$TERA" "cat $OUTBOX/$ADMIN/kort.xlsx"
if [ "$RC" != 0 ]; then ok "... and nobody else can read it there"; else bad "$TERA read $ADMIN's upload"; fi
as "$ADMIN" "bash -ic 'cirkel export --year $YEAR --out - > ~/aar.xlsx'"
if [ "$RC" = 0 ] && as root "stat -c '%a %U' $BASE/home/$ADMIN/aar.xlsx" && [ "$(cat "$OUT")" = "600 $ADMIN" ]; then
    ok "--out - lets the maker's own shell write the file: 0600, theirs"; else bad "--out -: $(cat "$OUT" "$ERR")"; fi
readable_only_by "$BASE/home/$ADMIN/aar.xlsx" "$ADMIN" "--out - > ~/aar.xlsx"

run_cirkel "$ADMIN" export --year "$YEAR" --out "$BASE/home/$ADMIN/x.xlsx"
expect 1 "--out into the maker's home (the service account cannot) says what to do" "--out -"
run_cirkel "$ADMIN" backup "$LIB/.local/share/cirkel/cirkel.log" --force
expect 1 "nobody writes over the service account's own files (its log)" "hører til kontoen $SVC"
run_cirkel "$ADMIN" export --year "$YEAR" --out "$LIB/x.xlsx"
expect 1 "nor into its home" "hører til kontoen $SVC"
run_cirkel "$ADMIN" export --year "$YEAR" --out "$OUTBOX/x.xlsx"
expect 1 "nor outside their own outbox under the outbox root" "kun i din egen udbakke"
run_cirkel "$ADMIN" export --year "$YEAR" --out /tmp/ckci-export.xlsx
expect 0 "--out FILE where the service account can write"
readable_only_by /tmp/ckci-export.xlsx "$ADMIN" "--out /tmp/…"
rm -f /tmp/ckci-export.xlsx
run_cirkel "$ADMIN" backup - '>' kopi.db
as root "head -c 15 $BASE/home/$ADMIN/kopi.db"
if [ "$(cat "$OUT")" = "SQLite format 3" ]; then ok "backup - hands the copy to the admin's shell"; else bad "backup -"; fi
run_cirkel "$TERA" export --year "$YEAR" --out -
expect 1 "a terapeut may not export" "Kun"
run_cirkel "$TERA" card history 4471
expect 0 "a terapeut's PDF (the citizen's history) goes to the terapeut's outbox" "$OUTBOX/$TERA/historik-"
pdf=$(sed -n "s|.*\($OUTBOX/$TERA/historik-[0-9-]*\.pdf\).*|\1|p" "$OUT" | head -1)
readable_only_by "$pdf" "$TERA" "the terapeut's PDF"

# --- 9. the words people meet --------------------------------------------------------------------
as "$OUTSIDER" "sudo -n -u $SVC $CIRKEL pools"
if [ "$RC" != 0 ] && ! grep -q Hedensted "$OUT"; then ok "sudo refuses a user outside the group"
else bad "outsider via sudo (exit $RC)"; fi
as "$OUTSIDER" "$CIRKEL pools"
expect 1 "outside the group, without sudo: Cirkel says it runs through sudo" "sudo -u $SVC $CIRKEL pools"
as "$TERA" "$CIRKEL pools"
expect 1 "a staff member who forgets sudo is shown the command" "På denne server kører Cirkel gennem sudo: sudo -u $SVC"
as root "$CIRKEL pools"
expect 1 "root without sudo is sent through sudo too (its files would lock the service account out)" "sudo -u $SVC"

# --- LANGUAGE (issue #20, item 3): sudo clears CIRKEL_LANG, so the language comes from the staff profile
run_cirkel "$TERA" district list
expect 0 "through sudo the terapeut first sees Danish" "Distrikt"
run_cirkel "$ADMIN" staff set "$TERA" --language en
expect 0 "the admin sets the terapeut's language in the staff profile" "$TERA"
run_cirkel "$TERA" district list
expect 0 "through sudo the terapeut's own language (English) is used" "District" "Home help"
run_cirkel "$ADMIN" district list
expect 0 "the admin's language is unchanged (Danish)" "Hjemmehjælp"
run_cirkel "$ADMIN" staff set "$TERA" --language da
expect 0 "and back to Danish"

# --- 10. the TUI under sudo: the real person in the header, gone with its terminal --------------
"$OPT/bin/python" - "$TERA" "$SVC" "$CIRKEL" >"$OUT" 2>&1 <<'EOF'
import os, pty, select, signal, sys, time
user, svc, cirkel = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(TERM="xterm-256color")
    os.execvp("runuser", ["runuser", "-u", user, "--", "sudo", "-n", "-u", svc, cirkel])
seen, end = b"", time.monotonic() + 30
while b"Tea Terapeut" not in seen and time.monotonic() < end:  # the first frame may come before the name
    if select.select([fd], [], [], 0.5)[0]:
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
print("header names the terapeut" if b"Tea Terapeut" in seen else "header: " + repr(seen[-300:]))
time.sleep(0.5)
os.close(fd)
start = time.monotonic()
while time.monotonic() - start < 2:
    if os.waitpid(pid, os.WNOHANG)[0]:
        print(f"gone {time.monotonic() - start:.2f} s after its terminal closed")
        break
    time.sleep(0.02)
else:
    print("still running 2 s after its terminal closed")
    os.kill(pid, signal.SIGKILL)
EOF
if grep -q "header names the terapeut" "$OUT"; then ok "the TUI under sudo shows the terapeut in its header"
else bad "TUI header: $(cat "$OUT")"; fi
if grep -q "^gone" "$OUT"; then ok "the TUI under sudo is $(grep '^gone' "$OUT")"; else bad "TUI: $(tail -1 "$OUT")"; fi
sleep 0.3
if pgrep -u "$SVC" >/dev/null; then bad "a process of the service account is left"; pgrep -a -u "$SVC"
else ok "no process of the service account is left"; fi

say "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
