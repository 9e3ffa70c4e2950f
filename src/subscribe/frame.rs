//! The frames of the long connection: protobuf (proto2, package `pbbp2`),
//! declared here with `prost`'s derive (no build script, no `protoc`).
//! The four required fields are always encoded, even when 0, as proto2
//! requires and the platform expects.

use prost::Message;

/// `method` of a control frame (ping, pong).
pub const CONTROL: i32 = 0;
/// `method` of a data frame (event, card).
pub const DATA: i32 = 1;

/// The largest frame read: far above any event (the platform fragments
/// large messages), small enough that a hostile peer cannot exhaust memory.
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

#[derive(Clone, PartialEq, Eq, Message)]
pub struct Header {
    #[prost(string, required, tag = "1")]
    pub key: String,
    #[prost(string, required, tag = "2")]
    pub value: String,
}

#[derive(Clone, PartialEq, Eq, Message)]
pub struct Frame {
    #[prost(uint64, required, tag = "1")]
    pub seq_id: u64,
    #[prost(uint64, required, tag = "2")]
    pub log_id: u64,
    #[prost(int32, required, tag = "3")]
    pub service: i32,
    #[prost(int32, required, tag = "4")]
    pub method: i32,
    #[prost(message, repeated, tag = "5")]
    pub headers: Vec<Header>,
    #[prost(string, optional, tag = "6")]
    pub payload_encoding: Option<String>,
    #[prost(string, optional, tag = "7")]
    pub payload_type: Option<String>,
    #[prost(bytes = "vec", optional, tag = "8")]
    pub payload: Option<Vec<u8>>,
    #[prost(string, optional, tag = "9")]
    pub log_id_new: Option<String>,
}

impl Frame {
    /// The first header named `key`.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.value.as_str())
    }

    /// A ping: a control frame for the connection's service, one header
    /// `type=ping`, no payload.
    pub fn ping(service_id: i32) -> Frame {
        Frame {
            seq_id: 0,
            log_id: 0,
            service: service_id,
            method: CONTROL,
            headers: vec![Header {
                key: "type".into(),
                value: "ping".into(),
            }],
            payload_encoding: None,
            payload_type: None,
            payload: None,
            log_id_new: None,
        }
    }

    /// The answer to a data frame: the frame itself with every header
    /// kept, `biz_rt` (handling time in ms) appended, and the payload
    /// replaced by `{"code":STATUS}`.
    pub fn reply(mut self, status: u16, biz_rt_ms: u128) -> Frame {
        self.headers.push(Header {
            key: "biz_rt".into(),
            value: biz_rt_ms.to_string(),
        });
        self.payload = Some(format!("{{\"code\":{status}}}").into_bytes());
        self
    }

    pub fn decode_bytes(bytes: &[u8]) -> Result<Frame, prost::DecodeError> {
        Frame::decode(bytes)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode_to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_fields_are_encoded_even_when_zero() {
        let bytes = Frame::ping(7).to_bytes();
        // SeqID=0, LogID=0, service=7, method=0, then the header.
        assert_eq!(&bytes[..8], &[0x08, 0, 0x10, 0, 0x18, 7, 0x20, 0]);
        let back = Frame::decode_bytes(&bytes).unwrap();
        assert_eq!(back, Frame::ping(7));
        assert_eq!(back.header("type"), Some("ping"));
    }

    #[test]
    fn a_reply_keeps_everything_but_the_payload() {
        let mut frame = Frame::ping(3);
        frame.method = DATA;
        frame.seq_id = 9;
        frame.log_id = 11;
        frame.headers.push(Header {
            key: "message_id".into(),
            value: "m".into(),
        });
        frame.payload = Some(b"{\"schema\":\"2.0\"}".to_vec());
        let reply = frame.clone().reply(200, 4);
        assert_eq!(reply.seq_id, 9);
        assert_eq!(reply.log_id, 11);
        assert_eq!(reply.headers[..2], frame.headers[..]);
        assert_eq!(reply.header("biz_rt"), Some("4"));
        assert_eq!(reply.payload.as_deref(), Some(&b"{\"code\":200}"[..]));
    }

    #[test]
    fn garbage_is_an_error_and_missing_fields_are_zero() {
        assert!(Frame::decode_bytes(&[0xff; 3]).is_err());
        assert!(Frame::decode_bytes(&[0x08]).is_err());
        // prost does not insist on proto2's required fields: absent is 0.
        let f = Frame::decode_bytes(&[0x08, 1]).unwrap();
        assert_eq!((f.seq_id, f.method, f.payload), (1, CONTROL, None));
    }
}
