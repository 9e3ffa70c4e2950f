
use builtin;
use str;

set edit:completion:arg-completer[lark-ticket] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'lark-ticket'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'lark-ticket'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand decrypt 'Decrypt encrypted payloads to their exact plaintext'
            cand parse 'Show each event''s envelope, ticket state and old_object -> object transitions'
            cand diff 'Show transitions only; compare with a golden file; per-ticket timelines'
            cand verify 'Check the signature, token and timestamp of a request, and diagnose mismatches'
            cand sign 'Print signature headers (and an encrypted body) for test requests'
            cand listen 'Run a local receiver that answers the challenge and captures requests'
            cand subscribe 'Receive events over the long connection (WebSocket): show, acknowledge and capture them'
            cand send 'Post records to your handler as the platform delivers them'
            cand check 'Send platform-shaped requests, forged and malformed ones included, and judge the answers'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lark-ticket;decrypt'= {
            cand --encrypt-key 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)'
            cand --encrypt-key-file 'Read the Encrypt Key from a file (one trailing newline is stripped)'
            cand -j 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number'
            cand --threads 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number'
            cand --max-record-size 'Largest record accepted, in bytes (records above it are reported and skipped)'
            cand --pretty 'Re-indent the plaintext instead of printing it byte for byte'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;parse'= {
            cand --encrypt-key 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)'
            cand --encrypt-key-file 'Read the Encrypt Key from a file (one trailing newline is stripped)'
            cand -o 'Output format: a table for people, or NDJSON for scripts'
            cand --output 'Output format: a table for people, or NDJSON for scripts'
            cand --color 'When to colour the table output'
            cand --lang 'Label language: English, or the Chinese of the Feishu documentation'
            cand -j 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number'
            cand --threads 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number'
            cand --max-record-size 'Largest record accepted, in bytes (records above it are reported and skipped)'
            cand --strict 'Exit 1 when a record deviates from the documented schema, listing each deviation'
            cand --utc 'Render timestamps in UTC instead of the local time zone'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;diff'= {
            cand --against 'Compare the records with those in EXPECTED, field by field'
            cand --ignore 'With --against: a JSON path to ignore, with everything under it (repeatable)'
            cand --encrypt-key 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)'
            cand --encrypt-key-file 'Read the Encrypt Key from a file (one trailing newline is stripped)'
            cand -o 'Output format: a table for people, or NDJSON for scripts'
            cand --output 'Output format: a table for people, or NDJSON for scripts'
            cand --color 'When to colour the table output'
            cand --lang 'Label language: English, or the Chinese of the Feishu documentation'
            cand -j 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number'
            cand --threads 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number'
            cand --max-record-size 'Largest record accepted, in bytes (records above it are reported and skipped)'
            cand --timeline 'Group events by ticket and show each ticket''s sequence of states, gaps and late arrivals'
            cand --no-default-ignores 'With --against: also compare header.event_id, header.create_time and header.token'
            cand --utc 'Render timestamps in UTC instead of the local time zone'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;verify'= {
            cand -H 'A request header, ''Name: value'' (repeatable; names are case-insensitive)'
            cand --header 'A request header, ''Name: value'' (repeatable; names are case-insensitive)'
            cand --timestamp 'The X-Lark-Request-Timestamp header value'
            cand --nonce 'The X-Lark-Request-Nonce header value'
            cand --signature 'The X-Lark-Signature header value'
            cand --max-age 'Fail when the request timestamp is more than SECONDS from now'
            cand --now 'Use this as "now" (Unix seconds) for the timestamp check'
            cand --encrypt-key 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)'
            cand --encrypt-key-file 'Read the Encrypt Key from a file (one trailing newline is stripped)'
            cand --verification-token 'The app''s Verification Token (prefer LARK_VERIFICATION_TOKEN or --verification-token-file)'
            cand --verification-token-file 'Read the Verification Token from a file (one trailing newline is stripped)'
            cand -o 'Output format: a table for people, or NDJSON for scripts'
            cand --output 'Output format: a table for people, or NDJSON for scripts'
            cand --color 'When to colour the table output'
            cand --lang 'Label language: English, or the Chinese of the Feishu documentation'
            cand --max-record-size 'Largest record accepted, in bytes (records above it are reported and skipped)'
            cand --utc 'Render timestamps in UTC instead of the local time zone'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;sign'= {
            cand --timestamp 'The timestamp to sign with (default: now)'
            cand --nonce 'The nonce to sign with (default: random)'
            cand --iv 'With --encrypt: the IV as 32 hex digits, for reproducible output'
            cand --encrypt-key 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)'
            cand --encrypt-key-file 'Read the Encrypt Key from a file (one trailing newline is stripped)'
            cand -o 'Output format: a table for people, or NDJSON for scripts'
            cand --output 'Output format: a table for people, or NDJSON for scripts'
            cand --max-record-size 'Largest record accepted, in bytes (records above it are reported and skipped)'
            cand --encrypt 'Wrap the plaintext body into {"encrypt":...} first'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;listen'= {
            cand --addr 'Address to listen on (port 0: any free port; the address is printed on stderr)'
            cand --path 'Path that receives events'
            cand --capture 'Append every request to FILE as a capture record (NDJSON)'
            cand --max-requests 'Stop after N requests'
            cand --forward-to 'Forward each request to your own handler and relay its answer'
            cand --max-body-size 'Largest body accepted, in bytes; a larger one is answered 413 without being read'
            cand --max-age 'Fail the timestamp check when a request is more than SECONDS old'
            cand --encrypt-key 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)'
            cand --encrypt-key-file 'Read the Encrypt Key from a file (one trailing newline is stripped)'
            cand --verification-token 'The app''s Verification Token (prefer LARK_VERIFICATION_TOKEN or --verification-token-file)'
            cand --verification-token-file 'Read the Verification Token from a file (one trailing newline is stripped)'
            cand -o 'Output format: a table for people, or NDJSON for scripts'
            cand --output 'Output format: a table for people, or NDJSON for scripts'
            cand --color 'When to colour the table output'
            cand --lang 'Label language: English, or the Chinese of the Feishu documentation'
            cand --utc 'Render timestamps in UTC instead of the local time zone'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;subscribe'= {
            cand --domain 'Where to connect: feishu (https://open.feishu.cn), lark (https://open.larksuite.com), or a base URL'
            cand --capture 'Append every delivery to FILE as a capture record (NDJSON), before it is acknowledged'
            cand --event-type 'Show and capture only events of TYPE (repeatable); others are still acknowledged and counted'
            cand --max-events 'Stop after N shown events'
            cand --timeout 'Stop after SECONDS'
            cand --app-id 'The app''s App ID, cli_... [env: LARK_APP_ID]'
            cand --app-secret 'The app''s App Secret (the least private way: prefer LARK_APP_SECRET or --app-secret-file)'
            cand --app-secret-file 'Read the App Secret from a file (one trailing newline is stripped)'
            cand --encrypt-key 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)'
            cand --encrypt-key-file 'Read the Encrypt Key from a file (one trailing newline is stripped)'
            cand -o 'Output format: a table for people, or NDJSON for scripts'
            cand --output 'Output format: a table for people, or NDJSON for scripts'
            cand --color 'When to colour the table output'
            cand --lang 'Label language: English, or the Chinese of the Feishu documentation'
            cand --utc 'Render timestamps in UTC instead of the local time zone'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;send'= {
            cand --max-time 'Give up on an answer after SECONDS'
            cand --encrypt-key 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)'
            cand --encrypt-key-file 'Read the Encrypt Key from a file (one trailing newline is stripped)'
            cand -o 'Output format: a table for people, or NDJSON for scripts'
            cand --output 'Output format: a table for people, or NDJSON for scripts'
            cand --color 'When to colour the table output'
            cand --lang 'Label language: English, or the Chinese of the Feishu documentation'
            cand --max-record-size 'Largest record accepted, in bytes (records above it are reported and skipped)'
            cand --compact 'Rewrite each record as compact JSON (keys in their order, as the platform writes it) first'
            cand --encrypt 'Wrap each plaintext record into {"encrypt":...} with the Encrypt Key'
            cand --as-captured 'Send a capture record''s own headers and body unchanged, to reproduce a failure exactly'
            cand --utc 'Render timestamps in UTC instead of the local time zone'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;check'= {
            cand --event 'Send these records as the event (default: the documentation''s helpdesk.ticket.updated_v1 example)'
            cand --max-time 'Give up on an answer after SECONDS'
            cand --encrypt-key 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)'
            cand --encrypt-key-file 'Read the Encrypt Key from a file (one trailing newline is stripped)'
            cand --verification-token 'The app''s Verification Token (prefer LARK_VERIFICATION_TOKEN or --verification-token-file)'
            cand --verification-token-file 'Read the Verification Token from a file (one trailing newline is stripped)'
            cand -o 'Output format: a table for people, or NDJSON for scripts'
            cand --output 'Output format: a table for people, or NDJSON for scripts'
            cand --color 'When to colour the table output'
            cand --lang 'Label language: English, or the Chinese of the Feishu documentation'
            cand --max-record-size 'Largest record accepted, in bytes (records above it are reported and skipped)'
            cand --utc 'Render timestamps in UTC instead of the local time zone'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lark-ticket;help'= {
            cand decrypt 'Decrypt encrypted payloads to their exact plaintext'
            cand parse 'Show each event''s envelope, ticket state and old_object -> object transitions'
            cand diff 'Show transitions only; compare with a golden file; per-ticket timelines'
            cand verify 'Check the signature, token and timestamp of a request, and diagnose mismatches'
            cand sign 'Print signature headers (and an encrypted body) for test requests'
            cand listen 'Run a local receiver that answers the challenge and captures requests'
            cand subscribe 'Receive events over the long connection (WebSocket): show, acknowledge and capture them'
            cand send 'Post records to your handler as the platform delivers them'
            cand check 'Send platform-shaped requests, forged and malformed ones included, and judge the answers'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lark-ticket;help;decrypt'= {
        }
        &'lark-ticket;help;parse'= {
        }
        &'lark-ticket;help;diff'= {
        }
        &'lark-ticket;help;verify'= {
        }
        &'lark-ticket;help;sign'= {
        }
        &'lark-ticket;help;listen'= {
        }
        &'lark-ticket;help;subscribe'= {
        }
        &'lark-ticket;help;send'= {
        }
        &'lark-ticket;help;check'= {
        }
        &'lark-ticket;help;completions'= {
        }
        &'lark-ticket;help;man'= {
        }
        &'lark-ticket;help;help'= {
        }
    ]
    $completions[$command]
}
