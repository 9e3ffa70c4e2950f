//! The exit statuses of the contract, in one place.

/// What the process reports to its caller. Ordered by severity, so the
/// status of a run is the maximum over its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum ExitStatus {
    /// Everything succeeded (also: the output pipe was closed early).
    #[default]
    Success,
    /// A negative answer: a failing check, a difference, a schema deviation.
    Negative,
    /// An error: usage, unreadable input, a record that could not be processed.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Negative => 1,
            ExitStatus::Error => 2,
        }
    }

    /// The more severe of two statuses.
    pub fn and(self, other: ExitStatus) -> ExitStatus {
        self.max(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_contract() {
        assert_eq!(ExitStatus::Success.code(), 0);
        assert_eq!(ExitStatus::Negative.code(), 1);
        assert_eq!(ExitStatus::Error.code(), 2);
    }

    #[test]
    fn the_worst_status_wins() {
        use ExitStatus::*;
        assert_eq!(Success.and(Negative), Negative);
        assert_eq!(Error.and(Negative), Error);
        assert_eq!(Negative.and(Success), Negative);
        assert_eq!(Success.and(Success), Success);
    }
}
