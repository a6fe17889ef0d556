//! The progenitor settings every generation of `currents-api` uses.

use progenitor::{GenerationSettings, InterfaceStyle, TagStyle, TypeImpl};

use crate::OpenEnum;

/// Builder-style operations (`client.get_run().run_id(..).send()`), one merged `Client`,
/// `PartialEq` on every type, and each string enum swapped for its open counterpart.
pub(crate) fn generation_settings(open_enums: &[OpenEnum]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("PartialEq");
    for open_enum in open_enums {
        settings.with_conversion(
            open_enum.schema_key(),
            open_enum.rust_type(),
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        );
    }
    settings
}
