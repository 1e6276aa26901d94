# Times dashboard views the way a person meets them: right after an edit (the view is read and
# drawn anew, server/src/dashboard_cache.rs) and repeated without edits (the drawn view is
# kept while the data is unchanged). Shared by bench-dashboard.sh and benchmarks.sh; source
# after scripts/lib/release-instance.sh, with $token an API token of an administrator.

# pick_record: the first record of Kreis 16051 (Erfurt), whose note edit() changes.
pick_record() {
  local listed
  listed="$(curl -fs -H "Authorization: Bearer $token" "$base/api/v1/records?org_unit=16051&pro_seite=1")"
  record_id="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])' <<<"$listed")"
  record_version="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["version"])' <<<"$listed")"
}

# edit: one real edit through the API (the picked record's note), which changes the data
# generation, so the next dashboard request cannot use a view drawn before it.
edit() {
  local body
  body="$(curl -fs -X PATCH -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"version\": $record_version, \"note\": \"Benchmark $RANDOM\"}" "$base/api/v1/records/$record_id")"
  record_version="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])' <<<"$body")"
}

# time_view VIEW REQUESTS EDITED REPEATED: curl's total time of VIEW, REQUESTS times each
# right after an edit (seconds into the file EDITED) and repeated (into REPEATED).
time_view() {
  local view="$1" requests="$2"
  curl -fs -o /dev/null "$base$view"
  for _ in $(seq 1 "$requests"); do
    edit
    curl -fs -o /dev/null -w '%{time_total}\n' "$base$view"
  done >"$3"
  curl -fs -o /dev/null "$base$view"
  for _ in $(seq 1 "$requests"); do
    curl -fs -o /dev/null -w '%{time_total}\n' "$base$view"
  done >"$4"
}

# time_views REQUESTS VIEW…: time_view for each VIEW with one line each, and every timing
# collected in $work_dir/all-edited.txt and $work_dir/all-repeated.txt (for the totals).
time_views() {
  local requests="$1" view
  local edited="$work_dir/edited.txt" repeated="$work_dir/repeated.txt"
  shift
  : >"$work_dir/all-edited.txt"
  : >"$work_dir/all-repeated.txt"
  pick_record
  for view in "$@"; do
    time_view "$view" "$requests" "$edited" "$repeated"
    cat "$edited" >>"$work_dir/all-edited.txt"
    cat "$repeated" >>"$work_dir/all-repeated.txt"
    printf '  %-45s after an edit: %s\n' "$view" "$(summary "$edited")"
    printf '  %-45s repeated:      %s\n' "" "$(summary "$repeated")"
  done
}
