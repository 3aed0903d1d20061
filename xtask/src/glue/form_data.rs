// This file is both a module of the generator, where its tests run, and the
// source of the function the glue writes into `generated/client.rs` for the
// operations that send `multipart/form-data` (see `bodies.rs`): it may use
// nothing but std, serde and serde_json.

/// The `multipart/form-data` encoding of a body whose fields are strings,
/// numbers or booleans (a field that is `null` is left out): the
/// `Content-Type`, with a boundary that none of the fields holds, and the
/// bytes (RFC 7578).
#[allow(dead_code)]
pub(crate) fn multipart_form_data<T: ::serde::Serialize>(
    body: &T,
) -> ::std::result::Result<(::std::string::String, ::std::vec::Vec<u8>), ::std::string::String> {
    let fields = match ::serde_json::to_value(body) {
        ::std::result::Result::Ok(::serde_json::Value::Object(fields)) => fields,
        ::std::result::Result::Ok(_) => {
            return ::std::result::Result::Err("a multipart body must be an object".into());
        }
        ::std::result::Result::Err(e) => return ::std::result::Result::Err(e.to_string()),
    };
    let mut parts = ::std::vec::Vec::new();
    for (name, value) in fields {
        let text = match value {
            ::serde_json::Value::Null => continue,
            ::serde_json::Value::String(text) => text,
            ::serde_json::Value::Bool(_) | ::serde_json::Value::Number(_) => value.to_string(),
            _ => {
                return ::std::result::Result::Err(::std::format!(
                    "the multipart field `{name}` is not a string, number or boolean"
                ));
            }
        };
        parts.push((name, text));
    }
    let mut n = 0u32;
    let boundary = loop {
        let candidate = ::std::format!("github-pat-grants-{n:08x}");
        if parts
            .iter()
            .all(|(name, text)| !name.contains(&candidate) && !text.contains(&candidate))
        {
            break candidate;
        }
        n += 1;
    };
    let mut bytes = ::std::vec::Vec::new();
    for (name, text) in &parts {
        let name = name.replace('\\', "\\\\").replace('"', "\\\"");
        bytes.extend_from_slice(
            ::std::format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )
            .as_bytes(),
        );
        bytes.extend_from_slice(text.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(::std::format!("--{boundary}--\r\n").as_bytes());
    ::std::result::Result::Ok((
        ::std::format!("multipart/form-data; boundary={boundary}"),
        bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_body_of_plain_fields_is_encoded_as_multipart() {
        let body = json!({"license": "@enterprise.ghl", "password": "p", "seats": 5, "gone": null});
        let (content_type, bytes) = multipart_form_data(&body).unwrap();
        assert_eq!(
            content_type,
            "multipart/form-data; boundary=github-pat-grants-00000000"
        );
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "--github-pat-grants-00000000\r\nContent-Disposition: form-data; name=\"license\"\r\n\r\n@enterprise.ghl\r\n\
             --github-pat-grants-00000000\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\np\r\n\
             --github-pat-grants-00000000\r\nContent-Disposition: form-data; name=\"seats\"\r\n\r\n5\r\n\
             --github-pat-grants-00000000--\r\n"
        );
    }

    #[test]
    fn the_boundary_is_in_no_field_and_other_shapes_are_refused() {
        let body = json!({"text": "--github-pat-grants-00000000 is taken"});
        let (content_type, bytes) = multipart_form_data(&body).unwrap();
        assert!(content_type.ends_with("boundary=github-pat-grants-00000001"));
        assert!(
            String::from_utf8(bytes)
                .unwrap()
                .ends_with("--github-pat-grants-00000001--\r\n")
        );
        let err = multipart_form_data(&json!({"nested": {"a": 1}})).unwrap_err();
        assert_eq!(
            err,
            "the multipart field `nested` is not a string, number or boolean"
        );
        assert!(multipart_form_data(&json!([1])).is_err());
    }
}
