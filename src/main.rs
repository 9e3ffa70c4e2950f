// mimalloc: records are allocated on the main thread and freed on the
// workers; glibc's allocator makes those cross-thread frees expensive.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(lark_ticket::app::main());
}
