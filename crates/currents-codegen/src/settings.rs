//! The progenitor settings every generation of `currents-api` uses.

use progenitor::{GenerationSettings, InterfaceStyle, TagStyle, TypeImpl};

use crate::OpenEnum;

/// `PartialEq` on every type, and each string enum swapped for its open counterpart (a
/// component that is a string enum is replaced by it as a whole). The
/// positional interface, because the builder one also generates a builder for every type,
/// which nothing here uses.
pub(crate) fn generation_settings(open_enums: &[OpenEnum]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_derive("PartialEq");
    for open_enum in open_enums {
        if open_enum.replaces_component {
            settings.with_replacement(
                &open_enum.name,
                open_enum.rust_type(),
                [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
            );
        }
        for key in open_enum.schema_keys() {
            settings.with_conversion(
                key.clone(),
                open_enum.rust_type(),
                [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
            );
        }
    }
    settings
}
