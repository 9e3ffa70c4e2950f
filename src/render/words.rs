//! The tables' own words, in the language of `--lang`: headers, marks,
//! notes and the closing lines. Field names and JSON keys stay as the
//! platform spells them; `-o json` is always English.

use crate::event::Lang;

/// Every word a table writes that is not a field name or a value.
pub struct Words {
    pub ticket: &'static str,
    pub message: &'static str,
    pub notification: &'static str,
    pub event_keys: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub same: &'static str,
    pub changed: &'static str,
    pub none: &'static str,
    pub no_old_object_fields: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub token_present: &'static str,
    pub token_absent: &'static str,
    pub respond_with: &'static str,
    pub no_event_type: &'static str,
    pub source: &'static str,
    pub time: &'static str,
    pub field: &'static str,
    pub path: &'static str,
    pub expected: &'static str,
    pub actual: &'static str,
    pub absent: &'static str,
    pub created: &'static str,
    pub placed_by_create_time: &'static str,
    pub arrived_late: &'static str,
    /// A delivery's mark when its event_id was seen before in the run.
    pub redelivered: &'static str,
    pub notes: &'static str,
    /// Between the parts of a closing line.
    pub separator: &'static str,
    pub lang: Lang,
}

/// What a count counts.
#[derive(Clone, Copy)]
pub enum Noun {
    Record,
    BadRecord,
    Row,
    TicketUpdate,
    Difference,
    Ticket,
    Event,
    Duplicate,
    Gap,
}

impl Words {
    pub fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }

    /// `3 records` / `3 条记录`.
    pub fn count(&self, n: usize, noun: Noun) -> String {
        match self.lang {
            Lang::En => {
                let word = match noun {
                    Noun::Record => "record",
                    Noun::BadRecord => "bad record",
                    Noun::Row => "row",
                    Noun::TicketUpdate => "ticket update",
                    Noun::Difference => "difference",
                    Noun::Ticket => "ticket",
                    Noun::Event => "event",
                    Noun::Duplicate => "duplicate",
                    Noun::Gap => "gap",
                };
                plural(n, word)
            }
            Lang::Zh => {
                let word = match noun {
                    Noun::Record => "条记录",
                    Noun::BadRecord => "条错误记录",
                    Noun::Row => "行",
                    Noun::TicketUpdate => "次工单更新",
                    Noun::Difference => "处差异",
                    Noun::Ticket => "个工单",
                    Noun::Event => "个事件",
                    Noun::Duplicate => "个重复",
                    Noun::Gap => "个缺口",
                };
                format!("{n} {word}")
            }
        }
    }

    /// ` (a, b)` after a word: a space and round brackets, or Chinese
    /// full-width brackets, which need no space.
    pub fn parenthesized(&self, inner: &str) -> String {
        match self.lang {
            Lang::En => format!(" ({inner})"),
            Lang::Zh => format!("（{inner}）"),
        }
    }

    /// The list separator.
    pub fn comma(&self) -> &'static str {
        match self.lang {
            Lang::En => ", ",
            Lang::Zh => "，",
        }
    }
}

/// `1 record`, `2 records`: English counts.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

static EN: Words = Words {
    ticket: "ticket",
    message: "message",
    notification: "notification",
    event_keys: "event keys",
    before: "before",
    after: "after",
    same: "same",
    changed: "changed",
    none: "(none)",
    no_old_object_fields: "(no old_object fields)",
    yes: "yes",
    no: "no",
    token_present: "present (checked by verify)",
    token_absent: "absent",
    respond_with: "respond with",
    no_event_type: "(no event type)",
    source: "source",
    time: "time",
    field: "field",
    path: "path",
    expected: "expected",
    actual: "actual",
    absent: "(absent)",
    created: "created",
    placed_by_create_time: "placed by create_time",
    arrived_late: "arrived late",
    redelivered: "duplicate: this event_id was already received in this run",
    notes: "notes",
    separator: "; ",
    lang: Lang::En,
};

static ZH: Words = Words {
    ticket: "工单",
    message: "消息",
    notification: "通知",
    event_keys: "事件字段",
    before: "变更前",
    after: "变更后",
    same: "未变",
    changed: "已变更",
    none: "（无）",
    no_old_object_fields: "（old_object 无字段）",
    yes: "是",
    no: "否",
    token_present: "存在（由 verify 检查）",
    token_absent: "缺失",
    respond_with: "应答内容",
    no_event_type: "（无事件类型）",
    source: "来源",
    time: "时间",
    field: "字段",
    path: "路径",
    expected: "预期",
    actual: "实际",
    absent: "（缺失）",
    created: "创建",
    placed_by_create_time: "按 create_time 排序",
    arrived_late: "迟到",
    redelivered: "重复推送：本次运行已收到过此 event_id",
    notes: "备注",
    separator: "；",
    lang: Lang::Zh,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_both_languages() {
        assert_eq!(Words::of(Lang::En).count(1, Noun::Record), "1 record");
        assert_eq!(
            Words::of(Lang::En).count(2, Noun::BadRecord),
            "2 bad records"
        );
        assert_eq!(Words::of(Lang::Zh).count(2, Noun::Gap), "2 个缺口");
        assert_eq!(Words::of(Lang::Zh).parenthesized("a"), "（a）");
        assert_eq!(Words::of(Lang::En).parenthesized("a"), " (a)");
    }
}
