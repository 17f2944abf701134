# The body of every node shim (apt-get, kubeadm, etcdctl, …), sourced by bash with the tool's name
# then its arguments: posts argv, the working directory and ETCDCTL_* variables to the lab's
# control endpoint and replays the answer — stdout, stderr, exit code — as the real tool would
# print it. HTTP/1.0 over bash's own /dev/tcp costs no process at all (~2 ms a call, where curl
# costs 10-20 ms and node 30+): shims run on every package and kubeadm step, so this is most of the
# lab's per-command cost. Without /dev/tcp, curl does it; without curl, node.
lab_tool=$1; shift
if [ -z "${LAB_CONTROL_URL:-}" ] || [ -z "${LAB_TOKEN:-}" ] || [ -z "${LAB_NODE:-}" ]; then
  echo "$lab_tool: this is a runbook-lab shim; it runs only on a lab node (LAB_CONTROL_URL, LAB_TOKEN, LAB_NODE unset)" >&2
  exit 127
fi
lab_env=()
for lab_v in ${!ETCDCTL_*}; do lab_env+=("$lab_v=${!lab_v}"); done
lab_code=

# One answer line: `o TEXT` stdout, `e TEXT` stderr, `x CODE` the exit code (TEXT for printf %b).
lab_replay() {
  case "${1:0:2}" in
    'o ') printf '%b' "${1:2}" ;;
    'e ') printf '%b' "${1:2}" >&2 ;;
    'x ') lab_code=${1:2} ;;
    *) printf '%s: the lab answered: %s\n' "$lab_tool" "$1" >&2 ;;
  esac
}

# The body: NUL-terminated fields `cwd, argc, argv…, KEY=VALUE…`; its length counted in bytes (C locale).
lab_body_length() {
  local LC_ALL=C f
  lab_length=0
  for f in "$PWD" "$#" "$@" "${lab_env[@]}"; do lab_length=$((lab_length + ${#f} + 1)); done
}

lab_hostport=${LAB_CONTROL_URL#http://}; lab_hostport=${lab_hostport%%/*}
# (The braces keep 2>/dev/null from sticking to the shell, which a bare `exec … 2>` would do.)
if [[ "$LAB_CONTROL_URL" == http://* ]] && { exec {lab_fd}<>"/dev/tcp/${lab_hostport%:*}/${lab_hostport##*:}"; } 2>/dev/null; then
  lab_body_length "$@"
  # printf is a builtin: the token never appears on a command line (ps would show that).
  printf 'POST /shim?node=%s&tool=%s&enc=printf HTTP/1.0\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/x-lab-shim\r\nContent-Length: %s\r\n\r\n' \
    "$LAB_NODE" "$lab_tool" "$lab_hostport" "$LAB_TOKEN" "$lab_length" >&"$lab_fd"
  printf '%s\0' "$PWD" "$#" "$@" "${lab_env[@]}" >&"$lab_fd"
  IFS= read -r -u "$lab_fd" lab_status
  lab_status=${lab_status%$'\r'}
  while IFS= read -r -u "$lab_fd" lab_line && [ -n "${lab_line%$'\r'}" ]; do :; done
  if [[ "$lab_status" != 'HTTP/1.'?' 200'* ]]; then
    printf '%s: the lab refused the call (%s): %s\n' "$lab_tool" "$lab_status" "$(cat <&"$lab_fd")" >&2
    exit 127
  fi
  while IFS= read -r -u "$lab_fd" lab_line; do lab_replay "$lab_line"; done
  exec {lab_fd}<&-
elif command -v curl >/dev/null 2>&1; then
  while IFS= read -r lab_line; do lab_replay "$lab_line"; done < <(
    # The token goes in a config read from a pipe, never on curl's command line.
    printf '%s\0' "$PWD" "$#" "$@" "${lab_env[@]}" |
      curl -sS -N --no-buffer -K <(printf 'header = "Authorization: Bearer %s"\n' "$LAB_TOKEN") \
        -H 'content-type: application/x-lab-shim' --data-binary @- \
        "$LAB_CONTROL_URL/shim?node=$LAB_NODE&tool=$lab_tool&enc=printf" 2>&1
  )
else
  exec "${LAB_NODE_BIN:-node}" "${LAB_SHIMS:-${BASH_SOURCE[0]%/*}}/forward.cjs" "$lab_tool" "$@"
fi
if [ -z "$lab_code" ]; then
  echo "$lab_tool: the lab at $LAB_CONTROL_URL did not finish the command (is the lab still running?)" >&2
  exit 255
fi
exit "$lab_code"
