# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_lark_ticket_global_optspecs
    string join \n h/help V/version
end

function __fish_lark_ticket_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_lark_ticket_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_lark_ticket_using_subcommand
    set -l cmd (__fish_lark_ticket_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "decrypt" -d 'Decrypt encrypted payloads to their exact plaintext'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "parse" -d 'Show each event\'s envelope, ticket state and old_object -> object transitions'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "diff" -d 'Show transitions only; compare with a golden file; per-ticket timelines'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "verify" -d 'Check the signature, token and timestamp of a request, and diagnose mismatches'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "sign" -d 'Print signature headers (and an encrypted body) for test requests'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "listen" -d 'Run a local receiver that answers the challenge and captures requests'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "subscribe" -d 'Receive events over the long connection (WebSocket): show, acknowledge and capture them'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "send" -d 'Post records to your handler as the platform delivers them'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "check" -d 'Send platform-shaped requests, forged and malformed ones included, and judge the answers'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c lark-ticket -n "__fish_lark_ticket_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand decrypt" -l encrypt-key -d 'The app\'s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand decrypt" -l encrypt-key-file -d 'Read the Encrypt Key from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand decrypt" -s j -l threads -d 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand decrypt" -l max-record-size -d 'Largest record accepted, in bytes (records above it are reported and skipped)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand decrypt" -l pretty -d 'Re-indent the plaintext instead of printing it byte for byte'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand decrypt" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand decrypt" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -l encrypt-key -d 'The app\'s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -l encrypt-key-file -d 'Read the Encrypt Key from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -s o -l output -d 'Output format: a table for people, or NDJSON for scripts' -r -f -a "table\t''
json\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -l color -d 'When to colour the table output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -l lang -d 'Label language: English, or the Chinese of the Feishu documentation' -r -f -a "en\t''
zh\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -s j -l threads -d 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -l max-record-size -d 'Largest record accepted, in bytes (records above it are reported and skipped)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -l strict -d 'Exit 1 when a record deviates from the documented schema, listing each deviation'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -l utc -d 'Render timestamps in UTC instead of the local time zone'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand parse" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -l against -d 'Compare the records with those in EXPECTED, field by field' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -l ignore -d 'With --against: a JSON path to ignore, with everything under it (repeatable)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -l encrypt-key -d 'The app\'s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -l encrypt-key-file -d 'Read the Encrypt Key from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -s o -l output -d 'Output format: a table for people, or NDJSON for scripts' -r -f -a "table\t''
json\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -l color -d 'When to colour the table output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -l lang -d 'Label language: English, or the Chinese of the Feishu documentation' -r -f -a "en\t''
zh\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -s j -l threads -d 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -l max-record-size -d 'Largest record accepted, in bytes (records above it are reported and skipped)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -l timeline -d 'Group events by ticket and show each ticket\'s sequence of states, gaps and late arrivals'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -l no-default-ignores -d 'With --against: also compare header.event_id, header.create_time and header.token'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -l utc -d 'Render timestamps in UTC instead of the local time zone'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand diff" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -s H -l header -d 'A request header, \'Name: value\' (repeatable; names are case-insensitive)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l timestamp -d 'The X-Lark-Request-Timestamp header value' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l nonce -d 'The X-Lark-Request-Nonce header value' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l signature -d 'The X-Lark-Signature header value' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l max-age -d 'Fail when the request timestamp is more than SECONDS from now' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l now -d 'Use this as "now" (Unix seconds) for the timestamp check' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l encrypt-key -d 'The app\'s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l encrypt-key-file -d 'Read the Encrypt Key from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l verification-token -d 'The app\'s Verification Token (prefer LARK_VERIFICATION_TOKEN or --verification-token-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l verification-token-file -d 'Read the Verification Token from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -s o -l output -d 'Output format: a table for people, or NDJSON for scripts' -r -f -a "table\t''
json\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l color -d 'When to colour the table output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l lang -d 'Label language: English, or the Chinese of the Feishu documentation' -r -f -a "en\t''
zh\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l max-record-size -d 'Largest record accepted, in bytes (records above it are reported and skipped)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -l utc -d 'Render timestamps in UTC instead of the local time zone'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand verify" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand sign" -l timestamp -d 'The timestamp to sign with (default: now)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand sign" -l nonce -d 'The nonce to sign with (default: random)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand sign" -l iv -d 'With --encrypt: the IV as 32 hex digits, for reproducible output' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand sign" -l encrypt-key -d 'The app\'s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand sign" -l encrypt-key-file -d 'Read the Encrypt Key from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand sign" -s o -l output -d 'Output format: a table for people, or NDJSON for scripts' -r -f -a "table\t''
json\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand sign" -l max-record-size -d 'Largest record accepted, in bytes (records above it are reported and skipped)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand sign" -l encrypt -d 'Wrap the plaintext body into {"encrypt":...} first'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand sign" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand sign" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l addr -d 'Address to listen on (port 0: any free port; the address is printed on stderr)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l path -d 'Path that receives events' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l capture -d 'Append every request to FILE as a capture record (NDJSON)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l max-requests -d 'Stop after N requests' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l forward-to -d 'Forward each request to your own handler and relay its answer' -r -f
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l max-body-size -d 'Largest body accepted, in bytes; a larger one is answered 413 without being read' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l max-age -d 'Fail the timestamp check when a request is more than SECONDS old' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l encrypt-key -d 'The app\'s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l encrypt-key-file -d 'Read the Encrypt Key from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l verification-token -d 'The app\'s Verification Token (prefer LARK_VERIFICATION_TOKEN or --verification-token-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l verification-token-file -d 'Read the Verification Token from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -s o -l output -d 'Output format: a table for people, or NDJSON for scripts' -r -f -a "table\t''
json\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l color -d 'When to colour the table output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l lang -d 'Label language: English, or the Chinese of the Feishu documentation' -r -f -a "en\t''
zh\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -l utc -d 'Render timestamps in UTC instead of the local time zone'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand listen" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l domain -d 'Where to connect: feishu (https://open.feishu.cn), lark (https://open.larksuite.com), or a base URL' -r -f
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l capture -d 'Append every delivery to FILE as a capture record (NDJSON), before it is acknowledged' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l event-type -d 'Show and capture only events of TYPE (repeatable); others are still acknowledged and counted' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l max-events -d 'Stop after N shown events' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l timeout -d 'Stop after SECONDS' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l app-id -d 'The app\'s App ID, cli_... [env: LARK_APP_ID]' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l app-secret -d 'The app\'s App Secret (the least private way: prefer LARK_APP_SECRET or --app-secret-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l app-secret-file -d 'Read the App Secret from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l encrypt-key -d 'The app\'s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l encrypt-key-file -d 'Read the Encrypt Key from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -s o -l output -d 'Output format: a table for people, or NDJSON for scripts' -r -f -a "table\t''
json\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l color -d 'When to colour the table output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l lang -d 'Label language: English, or the Chinese of the Feishu documentation' -r -f -a "en\t''
zh\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -l utc -d 'Render timestamps in UTC instead of the local time zone'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand subscribe" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -l max-time -d 'Give up on an answer after SECONDS' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -l encrypt-key -d 'The app\'s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -l encrypt-key-file -d 'Read the Encrypt Key from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -s o -l output -d 'Output format: a table for people, or NDJSON for scripts' -r -f -a "table\t''
json\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -l color -d 'When to colour the table output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -l lang -d 'Label language: English, or the Chinese of the Feishu documentation' -r -f -a "en\t''
zh\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -l max-record-size -d 'Largest record accepted, in bytes (records above it are reported and skipped)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -l compact -d 'Rewrite each record as compact JSON (keys in their order, as the platform writes it) first'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -l encrypt -d 'Wrap each plaintext record into {"encrypt":...} with the Encrypt Key'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -l as-captured -d 'Send a capture record\'s own headers and body unchanged, to reproduce a failure exactly'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -l utc -d 'Render timestamps in UTC instead of the local time zone'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand send" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -l event -d 'Send these records as the event (default: the documentation\'s helpdesk.ticket.updated_v1 example)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -l max-time -d 'Give up on an answer after SECONDS' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -l encrypt-key -d 'The app\'s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -l encrypt-key-file -d 'Read the Encrypt Key from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -l verification-token -d 'The app\'s Verification Token (prefer LARK_VERIFICATION_TOKEN or --verification-token-file)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -l verification-token-file -d 'Read the Verification Token from a file (one trailing newline is stripped)' -r -F
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -s o -l output -d 'Output format: a table for people, or NDJSON for scripts' -r -f -a "table\t''
json\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -l color -d 'When to colour the table output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -l lang -d 'Label language: English, or the Chinese of the Feishu documentation' -r -f -a "en\t''
zh\t''"
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -l max-record-size -d 'Largest record accepted, in bytes (records above it are reported and skipped)' -r
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -l utc -d 'Render timestamps in UTC instead of the local time zone'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand check" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand completions" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand completions" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand man" -s h -l help -d 'Print help'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand man" -s V -l version -d 'Print version'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "decrypt" -d 'Decrypt encrypted payloads to their exact plaintext'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "parse" -d 'Show each event\'s envelope, ticket state and old_object -> object transitions'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "diff" -d 'Show transitions only; compare with a golden file; per-ticket timelines'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "verify" -d 'Check the signature, token and timestamp of a request, and diagnose mismatches'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "sign" -d 'Print signature headers (and an encrypted body) for test requests'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "listen" -d 'Run a local receiver that answers the challenge and captures requests'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "subscribe" -d 'Receive events over the long connection (WebSocket): show, acknowledge and capture them'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "send" -d 'Post records to your handler as the platform delivers them'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "check" -d 'Send platform-shaped requests, forged and malformed ones included, and judge the answers'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "man" -d 'Print the man page (roff)'
complete -c lark-ticket -n "__fish_lark_ticket_using_subcommand help; and not __fish_seen_subcommand_from decrypt parse diff verify sign listen subscribe send check completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
