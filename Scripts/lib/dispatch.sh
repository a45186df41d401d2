# Sourced by Scripts/bench.sh and Scripts/interop.sh, which then call
#   dispatch KIND IF-EMPTY [ARGUMENT…]
# KIND (bench or interop) names the folder Scripts/KIND/ whose STAGE.sh files are the stages, each beside its
# Python part STAGE.py. IF-EMPTY is what no argument at all does: `help` (usage on stderr, exit 64) or `all`.
# The arguments:
#   STAGE [ARGUMENT…] [STAGE [ARGUMENT…]]…  those stages in that order; the words after a stage name, up to the next
#                                           stage name, are that stage's arguments (word2vec all 1 2: one stage)
#   all                                     every stage, in the order of --list, without arguments
#   --list                                  the stage names, one a line
#   --help, -h (anywhere)                   usage and the stages, each with its summary (line 2 of STAGE.sh) and
#                                           its usage lines (header lines that start with `#   Scripts/KIND.sh STAGE`)
#   --dry-run … (first)                     prints each stage's command line instead of running it
# Stages run one after the other, each announced on stderr as `== KIND: STAGE`; the first that fails ends the run
# with its exit status.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

dispatch() {
  local kind="$1" if_empty="$2"
  shift 2
  local self="Scripts/$kind.sh" dir="Scripts/$kind" script
  local -a stages=()
  for script in "$dir"/*.sh; do
    [ -e "$script" ] || continue
    script="${script##*/}"
    stages+=("${script%.sh}")
  done

  local dry_run=no word
  if [ "${1:-}" = --dry-run ]; then
    dry_run=yes
    shift
  fi
  for word in "$@"; do
    case "$word" in --help | -h) _dispatch_help "$kind" "${stages[@]}"; return 0 ;; esac
  done
  if [ $# -eq 0 ]; then
    if [ "$if_empty" != all ]; then
      _dispatch_help "$kind" "${stages[@]}" >&2
      return 64
    fi
    echo "== $kind: all stages: ${stages[*]}" >&2
    set -- all
  fi
  case "$1" in
    --list)
      printf '%s\n' "${stages[@]}"
      return 0
      ;;
    all)
      if [ $# -gt 1 ]; then
        echo "$self: all takes no arguments; name the stages instead (stages: ${stages[*]})" >&2
        return 64
      fi
      set -- "${stages[@]}"
      ;;
  esac
  if ! _dispatch_is_stage "$1" "${stages[@]}"; then
    echo "$self: unknown stage '$1'; stages: ${stages[*]} (or all; --help for more)" >&2
    return 64
  fi

  local -a words=("$@") starts=() arguments=()
  local i stage status
  for i in "${!words[@]}"; do
    if _dispatch_is_stage "${words[i]}" "${stages[@]}"; then starts+=("$i"); fi
  done
  starts+=("${#words[@]}")
  for ((i = 0; i + 1 < ${#starts[@]}; i++)); do
    stage="${words[starts[i]]}"
    arguments=("${words[@]:starts[i] + 1:starts[i + 1] - starts[i] - 1}")
    if [ "$dry_run" = yes ]; then
      printf '%q' "$dir/$stage.sh"
      [ ${#arguments[@]} -eq 0 ] || printf ' %q' "${arguments[@]}"
      printf '\n'
      continue
    fi
    echo "== $kind: $stage" >&2
    status=0
    "$dir/$stage.sh" ${arguments[@]+"${arguments[@]}"} || status=$?  # (the +: bash before 4.4 and set -u)
    if [ "$status" -ne 0 ]; then
      echo "$self: stage $stage failed (exit $status)" >&2
      return "$status"
    fi
  done
}

# _dispatch_is_stage WORD STAGE…: whether WORD is one of the STAGEs.
_dispatch_is_stage() {
  local word="$1" stage
  shift
  for stage in "$@"; do
    [ "$word" = "$stage" ] && return 0
  done
  return 1
}

# _dispatch_help KIND STAGE…: usage, the dispatcher's own header comment, then each stage's summary and usage lines.
_dispatch_help() {
  local kind="$1" stage
  shift
  local self="Scripts/$kind.sh"
  echo "usage: $self [--dry-run] STAGE [ARGUMENT...] [STAGE [ARGUMENT...]]..."
  echo "       $self [--dry-run] all"
  echo "       $self --list | --help"
  sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$self"
  echo "stages (Scripts/$kind/STAGE.sh, beside its Python part Scripts/$kind/STAGE.py):"
  for stage in "$@"; do
    printf '  %-10s %s\n' "$stage" "$(sed -n '2s/^# //p' "Scripts/$kind/$stage.sh")"
    awk -v prefix="#   $self $stage" '
      !/^#/ { exit }
      index($0, prefix) == 1 { usage = 1; print "             " substr($0, 5); next }
      usage && /^#     / { print "             " substr($0, 5); next }
      { usage = 0 }' "Scripts/$kind/$stage.sh"
  done
}
