//! The enum fields of helpdesk events and their labels, in English and in the
//! Chinese of the Feishu documentation.

/// Label language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// An integer-coded field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Stage,
    Status,
    Score,
    Solve,
    Channel,
    SenderType,
}

impl CodeKind {
    pub fn name(self) -> &'static str {
        match self {
            CodeKind::Stage => "stage",
            CodeKind::Status => "status",
            CodeKind::Score => "score",
            CodeKind::Solve => "solve",
            CodeKind::Channel => "channel",
            CodeKind::SenderType => "sender_type",
        }
    }

    /// The label of a value, or `None` when the value is outside the table.
    /// Channel has a catch-all ("other"), so it always has a label.
    pub fn label(self, value: i64, lang: Lang) -> Option<&'static str> {
        use CodeKind::*;
        use Lang::*;
        let label = match (self, value, lang) {
            (Stage, 1, En) => "bot",
            (Stage, 1, Zh) => "机器人",
            (Stage, 2, En) => "human",
            (Stage, 2, Zh) => "人工",
            (Status, 1, En) => "created",
            (Status, 1, Zh) => "已创建",
            (Status, 2, En) => "processing",
            (Status, 2, Zh) => "处理中",
            (Status, 3, En) => "queued",
            (Status, 3, Zh) => "排队中",
            (Status, 4, En) => "pending",
            (Status, 4, Zh) => "待定",
            (Status, 5, En) => "waiting for user",
            (Status, 5, Zh) => "待用户响应",
            (Status, 50, En) => "closed by bot",
            (Status, 50, Zh) => "被机器人关闭",
            (Status, 51, En) => "closed by agent",
            (Status, 51, Zh) => "被客服关闭",
            (Status, 52, En) => "closed by user",
            (Status, 52, Zh) => "用户自己关闭",
            (Score, 1, En) => "unsatisfied",
            (Score, 1, Zh) => "不满意",
            (Score, 2, En) => "neutral",
            (Score, 2, Zh) => "一般",
            (Score, 3, En) => "satisfied",
            (Score, 3, Zh) => "满意",
            (Solve, 1, En) => "unsolved",
            (Solve, 1, Zh) => "没解决",
            (Solve, 2, En) => "solved",
            (Solve, 2, Zh) => "已解决",
            (Channel, 2, En) => "QR code",
            (Channel, 2, Zh) => "二维码",
            (Channel, 9, _) => "Open API",
            (Channel, 13, En) => "search",
            (Channel, 13, Zh) => "搜索",
            (Channel, 14, En) => "share",
            (Channel, 14, Zh) => "分享",
            (Channel, _, En) => "other",
            (Channel, _, Zh) => "其他渠道",
            (SenderType, 1, En) => "bot",
            (SenderType, 1, Zh) => "机器人",
            (SenderType, 2, En) => "guest",
            (SenderType, 2, Zh) => "用户",
            (SenderType, 3, En) => "agent",
            (SenderType, 3, Zh) => "客服",
            _ => return None,
        };
        Some(label)
    }

    /// The label, or `unknown (N)` outside the table.
    pub fn display(self, value: i64, lang: Lang) -> String {
        self.display_cow(value, lang).into_owned()
    }

    /// Like [`CodeKind::display`], without allocating for known values.
    pub fn display_cow(self, value: i64, lang: Lang) -> std::borrow::Cow<'static, str> {
        match self.label(value, lang) {
            Some(label) => label.into(),
            None => match lang {
                Lang::En => format!("unknown ({value})").into(),
                Lang::Zh => format!("未知 ({value})").into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_labels() {
        assert_eq!(CodeKind::Stage.display(1, Lang::En), "bot");
        assert_eq!(CodeKind::Status.display(51, Lang::En), "closed by agent");
        assert_eq!(CodeKind::Status.display(51, Lang::Zh), "被客服关闭");
        assert_eq!(CodeKind::Status.display(7, Lang::En), "unknown (7)");
        assert_eq!(CodeKind::Score.display(3, Lang::En), "satisfied");
        assert_eq!(CodeKind::Solve.display(2, Lang::Zh), "已解决");
        assert_eq!(CodeKind::Channel.display(0, Lang::En), "other");
        assert_eq!(CodeKind::Channel.display(9, Lang::Zh), "Open API");
        assert!(CodeKind::Channel.label(12345, Lang::En).is_some());
        assert!(CodeKind::Stage.label(3, Lang::En).is_none());
    }
}
