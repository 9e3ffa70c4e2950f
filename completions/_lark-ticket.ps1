
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'lark-ticket' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'lark-ticket'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'lark-ticket' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt encrypted payloads to their exact plaintext')
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Show each event''s envelope, ticket state and old_object -> object transitions')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show transitions only; compare with a golden file; per-ticket timelines')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the signature, token and timestamp of a request, and diagnose mismatches')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print signature headers (and an encrypted body) for test requests')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Run a local receiver that answers the challenge and captures requests')
            [CompletionResult]::new('subscribe', 'subscribe', [CompletionResultType]::ParameterValue, 'Receive events over the long connection (WebSocket): show, acknowledge and capture them')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Post records to your handler as the platform delivers them')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Send platform-shaped requests, forged and malformed ones included, and judge the answers')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lark-ticket;decrypt' {
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)')
            [CompletionResult]::new('--encrypt-key-file', '--encrypt-key-file', [CompletionResultType]::ParameterName, 'Read the Encrypt Key from a file (one trailing newline is stripped)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number')
            [CompletionResult]::new('--max-record-size', '--max-record-size', [CompletionResultType]::ParameterName, 'Largest record accepted, in bytes (records above it are reported and skipped)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Re-indent the plaintext instead of printing it byte for byte')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;parse' {
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)')
            [CompletionResult]::new('--encrypt-key-file', '--encrypt-key-file', [CompletionResultType]::ParameterName, 'Read the Encrypt Key from a file (one trailing newline is stripped)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table output')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Label language: English, or the Chinese of the Feishu documentation')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number')
            [CompletionResult]::new('--max-record-size', '--max-record-size', [CompletionResultType]::ParameterName, 'Largest record accepted, in bytes (records above it are reported and skipped)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 when a record deviates from the documented schema, listing each deviation')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Render timestamps in UTC instead of the local time zone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;diff' {
            [CompletionResult]::new('--against', '--against', [CompletionResultType]::ParameterName, 'Compare the records with those in EXPECTED, field by field')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'With --against: a JSON path to ignore, with everything under it (repeatable)')
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)')
            [CompletionResult]::new('--encrypt-key-file', '--encrypt-key-file', [CompletionResultType]::ParameterName, 'Read the Encrypt Key from a file (one trailing newline is stripped)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table output')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Label language: English, or the Chinese of the Feishu documentation')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads for large inputs (0: cores + 1; at most 1024); output is the same for any number')
            [CompletionResult]::new('--max-record-size', '--max-record-size', [CompletionResultType]::ParameterName, 'Largest record accepted, in bytes (records above it are reported and skipped)')
            [CompletionResult]::new('--timeline', '--timeline', [CompletionResultType]::ParameterName, 'Group events by ticket and show each ticket''s sequence of states, gaps and late arrivals')
            [CompletionResult]::new('--no-default-ignores', '--no-default-ignores', [CompletionResultType]::ParameterName, 'With --against: also compare header.event_id, header.create_time and header.token')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Render timestamps in UTC instead of the local time zone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;verify' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A request header, ''Name: value'' (repeatable; names are case-insensitive)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header, ''Name: value'' (repeatable; names are case-insensitive)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'The X-Lark-Request-Timestamp header value')
            [CompletionResult]::new('--nonce', '--nonce', [CompletionResultType]::ParameterName, 'The X-Lark-Request-Nonce header value')
            [CompletionResult]::new('--signature', '--signature', [CompletionResultType]::ParameterName, 'The X-Lark-Signature header value')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Fail when the request timestamp is more than SECONDS from now')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Use this as "now" (Unix seconds) for the timestamp check')
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)')
            [CompletionResult]::new('--encrypt-key-file', '--encrypt-key-file', [CompletionResultType]::ParameterName, 'Read the Encrypt Key from a file (one trailing newline is stripped)')
            [CompletionResult]::new('--verification-token', '--verification-token', [CompletionResultType]::ParameterName, 'The app''s Verification Token (prefer LARK_VERIFICATION_TOKEN or --verification-token-file)')
            [CompletionResult]::new('--verification-token-file', '--verification-token-file', [CompletionResultType]::ParameterName, 'Read the Verification Token from a file (one trailing newline is stripped)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table output')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Label language: English, or the Chinese of the Feishu documentation')
            [CompletionResult]::new('--max-record-size', '--max-record-size', [CompletionResultType]::ParameterName, 'Largest record accepted, in bytes (records above it are reported and skipped)')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Render timestamps in UTC instead of the local time zone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;sign' {
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'The timestamp to sign with (default: now)')
            [CompletionResult]::new('--nonce', '--nonce', [CompletionResultType]::ParameterName, 'The nonce to sign with (default: random)')
            [CompletionResult]::new('--iv', '--iv', [CompletionResultType]::ParameterName, 'With --encrypt: the IV as 32 hex digits, for reproducible output')
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)')
            [CompletionResult]::new('--encrypt-key-file', '--encrypt-key-file', [CompletionResultType]::ParameterName, 'Read the Encrypt Key from a file (one trailing newline is stripped)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--max-record-size', '--max-record-size', [CompletionResultType]::ParameterName, 'Largest record accepted, in bytes (records above it are reported and skipped)')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Wrap the plaintext body into {"encrypt":...} first')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;listen' {
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Address to listen on (port 0: any free port; the address is printed on stderr)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Path that receives events')
            [CompletionResult]::new('--capture', '--capture', [CompletionResultType]::ParameterName, 'Append every request to FILE as a capture record (NDJSON)')
            [CompletionResult]::new('--max-requests', '--max-requests', [CompletionResultType]::ParameterName, 'Stop after N requests')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Forward each request to your own handler and relay its answer')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Largest body accepted, in bytes; a larger one is answered 413 without being read')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Fail the timestamp check when a request is more than SECONDS old')
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)')
            [CompletionResult]::new('--encrypt-key-file', '--encrypt-key-file', [CompletionResultType]::ParameterName, 'Read the Encrypt Key from a file (one trailing newline is stripped)')
            [CompletionResult]::new('--verification-token', '--verification-token', [CompletionResultType]::ParameterName, 'The app''s Verification Token (prefer LARK_VERIFICATION_TOKEN or --verification-token-file)')
            [CompletionResult]::new('--verification-token-file', '--verification-token-file', [CompletionResultType]::ParameterName, 'Read the Verification Token from a file (one trailing newline is stripped)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table output')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Label language: English, or the Chinese of the Feishu documentation')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Render timestamps in UTC instead of the local time zone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;subscribe' {
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Where to connect: feishu (https://open.feishu.cn), lark (https://open.larksuite.com), or a base URL')
            [CompletionResult]::new('--capture', '--capture', [CompletionResultType]::ParameterName, 'Append every delivery to FILE as a capture record (NDJSON), before it is acknowledged')
            [CompletionResult]::new('--event-type', '--event-type', [CompletionResultType]::ParameterName, 'Show and capture only events of TYPE (repeatable); others are still acknowledged and counted')
            [CompletionResult]::new('--max-events', '--max-events', [CompletionResultType]::ParameterName, 'Stop after N shown events')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after SECONDS')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'The app''s App ID, cli_... [env: LARK_APP_ID]')
            [CompletionResult]::new('--app-secret', '--app-secret', [CompletionResultType]::ParameterName, 'The app''s App Secret (the least private way: prefer LARK_APP_SECRET or --app-secret-file)')
            [CompletionResult]::new('--app-secret-file', '--app-secret-file', [CompletionResultType]::ParameterName, 'Read the App Secret from a file (one trailing newline is stripped)')
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)')
            [CompletionResult]::new('--encrypt-key-file', '--encrypt-key-file', [CompletionResultType]::ParameterName, 'Read the Encrypt Key from a file (one trailing newline is stripped)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table output')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Label language: English, or the Chinese of the Feishu documentation')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Render timestamps in UTC instead of the local time zone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;send' {
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Give up on an answer after SECONDS')
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)')
            [CompletionResult]::new('--encrypt-key-file', '--encrypt-key-file', [CompletionResultType]::ParameterName, 'Read the Encrypt Key from a file (one trailing newline is stripped)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table output')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Label language: English, or the Chinese of the Feishu documentation')
            [CompletionResult]::new('--max-record-size', '--max-record-size', [CompletionResultType]::ParameterName, 'Largest record accepted, in bytes (records above it are reported and skipped)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Rewrite each record as compact JSON (keys in their order, as the platform writes it) first')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Wrap each plaintext record into {"encrypt":...} with the Encrypt Key')
            [CompletionResult]::new('--as-captured', '--as-captured', [CompletionResultType]::ParameterName, 'Send a capture record''s own headers and body unchanged, to reproduce a failure exactly')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Render timestamps in UTC instead of the local time zone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;check' {
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Send these records as the event (default: the documentation''s helpdesk.ticket.updated_v1 example)')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Give up on an answer after SECONDS')
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'The app''s Encrypt Key (prefer LARK_ENCRYPT_KEY or --encrypt-key-file)')
            [CompletionResult]::new('--encrypt-key-file', '--encrypt-key-file', [CompletionResultType]::ParameterName, 'Read the Encrypt Key from a file (one trailing newline is stripped)')
            [CompletionResult]::new('--verification-token', '--verification-token', [CompletionResultType]::ParameterName, 'The app''s Verification Token (prefer LARK_VERIFICATION_TOKEN or --verification-token-file)')
            [CompletionResult]::new('--verification-token-file', '--verification-token-file', [CompletionResultType]::ParameterName, 'Read the Verification Token from a file (one trailing newline is stripped)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or NDJSON for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the table output')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Label language: English, or the Chinese of the Feishu documentation')
            [CompletionResult]::new('--max-record-size', '--max-record-size', [CompletionResultType]::ParameterName, 'Largest record accepted, in bytes (records above it are reported and skipped)')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Render timestamps in UTC instead of the local time zone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lark-ticket;help' {
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt encrypted payloads to their exact plaintext')
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Show each event''s envelope, ticket state and old_object -> object transitions')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show transitions only; compare with a golden file; per-ticket timelines')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the signature, token and timestamp of a request, and diagnose mismatches')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print signature headers (and an encrypted body) for test requests')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Run a local receiver that answers the challenge and captures requests')
            [CompletionResult]::new('subscribe', 'subscribe', [CompletionResultType]::ParameterValue, 'Receive events over the long connection (WebSocket): show, acknowledge and capture them')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Post records to your handler as the platform delivers them')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Send platform-shaped requests, forged and malformed ones included, and judge the answers')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lark-ticket;help;decrypt' {
            break
        }
        'lark-ticket;help;parse' {
            break
        }
        'lark-ticket;help;diff' {
            break
        }
        'lark-ticket;help;verify' {
            break
        }
        'lark-ticket;help;sign' {
            break
        }
        'lark-ticket;help;listen' {
            break
        }
        'lark-ticket;help;subscribe' {
            break
        }
        'lark-ticket;help;send' {
            break
        }
        'lark-ticket;help;check' {
            break
        }
        'lark-ticket;help;completions' {
            break
        }
        'lark-ticket;help;man' {
            break
        }
        'lark-ticket;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
