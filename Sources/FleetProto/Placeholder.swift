// Generated from proto/ by scripts/gen-proto.sh (issue 3). Placeholder until then.
enum FleetProtoPlaceholder {}
