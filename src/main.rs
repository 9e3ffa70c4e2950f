fn main() {
    std::process::exit(lark_ticket::app::main());
}
