# The cli phase of scripts/bench (sourced): lakectl against s5cmd and aws cli on the same
# server, in one run, alternating tools so disk state favours none.
log "lakectl vs s5cmd and aws cli: $CLI_FILES x 4 KiB files (cp -r, sync), $BIG_LABEL (cp), ls -r of $(human_rows $CLI_KEYS) keys"
LAKECTL=$ROOT/.build-bench/release/lakectl
export LAKESTORE_ENDPOINT=$LAKE LAKESTORE_ACCESS_KEY=$AK LAKESTORE_SECRET_KEY=$SK
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
S5=(s5cmd --endpoint-url "$LAKE" --log error)
AWSCLI=(aws --endpoint-url "$LAKE")
CLI=$TMP/cli
mkdir -p "$CLI/small"
python3 - "$CLI/small" "$CLI_FILES" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    d = os.path.join(root, f"p={i % 10}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(4096))
PY
sync
# timed NAME COMMAND... -> seconds (wall), and peak RSS in KiB in $TMP/rss-NAME
timed() {
  local name=$1
  shift
  /usr/bin/time -f '%e %M' -o "$TMP/time-$name" "$@" >/dev/null 2>"$TMP/err-$name" ||
    die "$name failed: $(tail -3 "$TMP/err-$name")"
  col 1 <"$TMP/time-$name"
}
rss_mib() { calc "$(col 2 <"$TMP/time-$1") / 1024" 1; }
count_keys() { "$LAKECTL" ls -r "s3://$BUCKET/$1" | wc -l; }

# The floor under lakectl's small downloads: URLSession alone GETting the same objects
# (presigned, so signed like lakectl's requests), 32 at once, writing nothing; then the same
# with s5cmd's file work added (temporary file, write, rename) and nothing else. They run in
# turn with the downloads below; the URLs name the keys lakectl's first upload creates.
swiftc -O -swift-version 6 "$ROOT/scripts/bench.d/urlsession-floor.swift" -o "$TMP/urlsession-floor" ||
  die "cannot build the URLSession floor program"
python3 - "$LAKE" "$AK" "$SK" "$BUCKET" "$CLI/small" >"$TMP/floor-urls" <<'PY'
import os, sys
import boto3
from botocore.config import Config
endpoint, access, secret, bucket, root = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access,
                  aws_secret_access_key=secret, region_name="us-east-1",
                  config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
for folder, _, names in sorted(os.walk(root)):
    for name in sorted(names):
        key = "cli/l1/" + os.path.relpath(os.path.join(folder, name), root)
        print(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                        ExpiresIn=3600))
PY
# Many small files: up (cp -r), down (cp -r), then sync up and down into fresh places.
declare -A t
for run in 1 2; do
  t[l-up-$run]=$(timed l-up-$run "$LAKECTL" cp -r -q "$CLI/small" "s3://$BUCKET/cli/l$run/")
  t[s-up-$run]=$(timed s-up-$run "${S5[@]}" cp "$CLI/small/*" "s3://$BUCKET/cli/s$run/")
  t[l-down-$run]=$(timed l-down-$run "$LAKECTL" cp -r -q "s3://$BUCKET/cli/l1/" "$CLI/dl-l$run")
  t[s-down-$run]=$(timed s-down-$run "${S5[@]}" cp "s3://$BUCKET/cli/l1/*" "$CLI/dl-s$run/")
  t[f-down-$run]=$(timed f-down-$run "$TMP/urlsession-floor" "$TMP/floor-urls" 32)
  mkdir -p "$CLI/fw-$run"
  t[fw-down-$run]=$(timed fw-down-$run "$TMP/urlsession-floor" "$TMP/floor-urls" 32 "$CLI/fw-$run")
  t[l-syncup-$run]=$(timed l-syncup-$run "$LAKECTL" sync -q "$CLI/small" "s3://$BUCKET/cli/ls$run/")
  t[s-syncup-$run]=$(timed s-syncup-$run "${S5[@]}" sync "$CLI/small/" "s3://$BUCKET/cli/ss$run/")
  t[l-syncdown-$run]=$(timed l-syncdown-$run "$LAKECTL" sync -q "s3://$BUCKET/cli/l1/" "$CLI/sl$run")
  t[s-syncdown-$run]=$(timed s-syncdown-$run "${S5[@]}" sync "s3://$BUCKET/cli/l1/*" "$CLI/ss$run/")
done
[ "$(count_keys cli/l1/)" = "$CLI_FILES" ] || die "lakectl uploaded $(count_keys cli/l1/) of $CLI_FILES files"
diff -rq "$CLI/small" "$CLI/dl-l1" >/dev/null || die "lakectl's download differs from the source"
diff -rq "$CLI/small" "$CLI/sl1" >/dev/null || die "lakectl's sync down differs from the source"
t[l-resync]=$(timed l-resync "$LAKECTL" sync "$CLI/small" "s3://$BUCKET/cli/ls1/")
[ -z "$("$LAKECTL" sync "$CLI/small" "s3://$BUCKET/cli/ls1/")" ] || die "a second sync had work to do"
t[a-up]=$(timed a-up "${AWSCLI[@]}" s3 cp --recursive --quiet "$CLI/small" "s3://$BUCKET/cli/a/")
t[a-down]=$(timed a-down "${AWSCLI[@]}" s3 cp --recursive --quiet "s3://$BUCKET/cli/l1/" "$CLI/dl-a")
t[a-syncup]=$(timed a-syncup "${AWSCLI[@]}" s3 sync --quiet "$CLI/small" "s3://$BUCKET/cli/as/")
per_s() { calc "$CLI_FILES / $1" 0; }
for op in up down syncup syncdown; do
  l=$(median "${t[l-$op-1]}" "${t[l-$op-2]}")
  s=$(median "${t[s-$op-1]}" "${t[s-$op-2]}")
  case $op in
    up) label="cp -r up" ;; down) label="cp -r down" ;; syncup) label="sync up (all new)" ;;
    syncdown) label="sync down (all new)" ;;
  esac
  record "lakectl $label, $CLI_FILES x 4 KiB (vs s5cmd)" "$(per_s "$l")" files/s "$(per_s "$s")" "ratio>=1"
  if [ -n "${t[a-$op]:-}" ]; then
    record "  aws cli $label" "$(per_s "${t[a-$op]}")" files/s "$(per_s "$s")" info
  fi
done
s_down=$(per_s "$(median "${t[s-down-1]}" "${t[s-down-2]}")")
f=$(median "${t[f-down-1]}" "${t[f-down-2]}")
record "  URLSession alone: the same GETs, nothing written (vs s5cmd cp -r down)" "$(per_s "$f")" files/s \
  "$s_down" info
f=$(median "${t[fw-down-1]}" "${t[fw-down-2]}")
record "  URLSession + s5cmd's file work, no signing (vs s5cmd cp -r down)" "$(per_s "$f")" files/s \
  "$s_down" info
record "  lakectl sync with nothing to do ($CLI_FILES files)" "$(calc "${t[l-resync]}" 2)" s - info
rm -rf "$CLI"/dl-* "$CLI"/sl* "$CLI"/ss* "$CLI"/fw-*

# One big file, up and down.
[ -f "${BIG:-}" ] || {
  BIG=$TMP/big.bin
  head -c $((BIG_MIB << 20)) /dev/urandom >"$BIG"
}
big_bytes=$(stat -c %s "$BIG")
for run in 1 2; do
  t[l-bup-$run]=$(timed l-bup-$run "$LAKECTL" cp -q "$BIG" "s3://$BUCKET/cli/big-l.bin")
  t[s-bup-$run]=$(timed s-bup-$run "${S5[@]}" cp "$BIG" "s3://$BUCKET/cli/big-s.bin")
  t[l-bdown-$run]=$(timed l-bdown-$run "$LAKECTL" cp -q "s3://$BUCKET/cli/big-l.bin" "$CLI/big-l.bin")
  t[s-bdown-$run]=$(timed s-bdown-$run "${S5[@]}" cp "s3://$BUCKET/cli/big-l.bin" "$CLI/big-s.bin")
  cmp -s "$BIG" "$CLI/big-l.bin" || die "lakectl's big download differs from the source"
  rm -f "$CLI/big-l.bin" "$CLI/big-s.bin"
done
t[a-bup]=$(timed a-bup "${AWSCLI[@]}" s3 cp --quiet "$BIG" "s3://$BUCKET/cli/big-a.bin")
t[a-bdown]=$(timed a-bdown "${AWSCLI[@]}" s3 cp --quiet "s3://$BUCKET/cli/big-l.bin" "$CLI/big-a.bin")
rm -f "$CLI/big-a.bin"
big_mbps() { calc "$big_bytes / $1 / 1000000" 0; }
for op in bup bdown; do
  l=$(median "${t[l-$op-1]}" "${t[l-$op-2]}")
  s=$(median "${t[s-$op-1]}" "${t[s-$op-2]}")
  label=$([ $op = bup ] && echo "cp $BIG_LABEL up" || echo "cp $BIG_LABEL down")
  record "lakectl $label (vs s5cmd)" "$(big_mbps "$l")" MB/s "$(big_mbps "$s")" "ratio>=1"
  record "  aws cli $label" "$(big_mbps "${t[a-$op]}")" MB/s "$(big_mbps "$s")" info
  peak=$(awk -v a="$(rss_mib l-$op-1)" -v b="$(rss_mib l-$op-2)" 'BEGIN { print (a > b) ? a : b }')
  record "  lakectl peak RSS, $label" "$peak" MiB - "value<100"
done

# Listing many keys: rows seeded into the catalog (as the list phase does).
CLI_LIST=clilist
s3 mkbucket "$CLI_LIST"
stop_lake
sqlite3 "$DATA/.lakestore/catalog.db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $CLI_KEYS - 1)
INSERT INTO objects (bucket, key, size, etag, modified_ms, content_type, cache_control,
  content_disposition, content_encoding, content_language, expires, user_metadata,
  storage_path, seq)
SELECT '$CLI_LIST', printf('day=%03d/part-%06d.parquet', i % 365, i), 4096,
  'd41d8cd98f00b204e9800998ecf8427e', 1704067200000 + i, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, '$CLI_LIST/' || i, 2000000000 + i
FROM n;
COMMIT;
SQL
start_lake
export LAKESTORE_ENDPOINT=$LAKE
S5=(s5cmd --endpoint-url "$LAKE" --log error)
AWSCLI=(aws --endpoint-url "$LAKE")
for run in 1 2; do
  t[l-ls-$run]=$(timed l-ls-$run "$LAKECTL" ls -r "s3://$CLI_LIST/")
  t[s-ls-$run]=$(timed s-ls-$run "${S5[@]}" ls "s3://$CLI_LIST/*")
done
t[a-ls]=$(timed a-ls "${AWSCLI[@]}" s3 ls --recursive "s3://$CLI_LIST/")
[ "$("$LAKECTL" ls -r "s3://$CLI_LIST/" | wc -l)" = "$CLI_KEYS" ] || die "lakectl ls -r missed keys"
keys_s() { calc "$CLI_KEYS / $1" 0; }
l=$(median "${t[l-ls-1]}" "${t[l-ls-2]}")
s=$(median "${t[s-ls-1]}" "${t[s-ls-2]}")
record "lakectl ls -r, $(human_rows $CLI_KEYS) keys (vs s5cmd ls)" "$(keys_s "$l")" keys/s "$(keys_s "$s")" "ratio>=1"
record "  aws cli s3 ls --recursive" "$(keys_s "${t[a-ls]}")" keys/s "$(keys_s "$s")" info
