# The body of every node shim (apt-get, kubeadm, etcdctl, …), sourced by bash with the tool's name
# then its arguments: posts argv, the working directory and ETCDCTL_* variables to the lab's
# control endpoint with curl and replays the answer — stdout, stderr, exit code — as the real tool
# would print it. bash + curl start in a few ms where node takes 30+; without curl, node does it.
lab_tool=$1; shift
if [ -z "${LAB_CONTROL_URL:-}" ] || [ -z "${LAB_TOKEN:-}" ] || [ -z "${LAB_NODE:-}" ]; then
  echo "$lab_tool: this is a runbook-lab shim; it runs only on a lab node (LAB_CONTROL_URL, LAB_TOKEN, LAB_NODE unset)" >&2
  exit 127
fi
if ! command -v curl >/dev/null 2>&1; then
  exec "${LAB_NODE_BIN:-node}" "${LAB_SHIMS:-${BASH_SOURCE[0]%/*}}/forward.cjs" "$lab_tool" "$@"
fi
lab_env=()
for lab_v in ${!ETCDCTL_*}; do lab_env+=("$lab_v=${!lab_v}"); done
lab_code=
while IFS= read -r lab_line; do
  case "${lab_line:0:2}" in
    'o ') printf '%b' "${lab_line:2}" ;;
    'e ') printf '%b' "${lab_line:2}" >&2 ;;
    'x ') lab_code=${lab_line:2} ;;
    *) printf '%s: the lab answered: %s\n' "$lab_tool" "$lab_line" >&2 ;;
  esac
done < <(
  # The token goes in a config read from a pipe, never on curl's command line (ps shows that).
  printf '%s\0' "$PWD" "$#" "$@" "${lab_env[@]}" |
    curl -sS -N --no-buffer -K <(printf 'header = "Authorization: Bearer %s"\n' "$LAB_TOKEN") \
      -H 'content-type: application/x-lab-shim' --data-binary @- \
      "$LAB_CONTROL_URL/shim?node=$LAB_NODE&tool=$lab_tool&enc=printf" 2>&1
)
if [ -z "$lab_code" ]; then
  echo "$lab_tool: the lab at $LAB_CONTROL_URL did not finish the command (is the lab still running?)" >&2
  exit 255
fi
exit "$lab_code"
