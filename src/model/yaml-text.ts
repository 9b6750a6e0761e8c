/**
 * YAML as kubefence writes it. kubectl reads YAML with YAML 1.1's rules (sigs.k8s.io/yaml, go-yaml v2), where
 * a plain `y`, `no`, `on` or `010` is a boolean or a number: written with YAML 1.1's quoting, a string such as
 * a namespace `y` or a label value `on` is read back by kubectl (and by kubefence) as the string it is.
 */
import {
  type CreateNodeOptions,
  type DocumentOptions,
  type SchemaOptions,
  stringify,
  type ToStringOptions,
} from "yaml";

export function toYaml(
  value: unknown,
  options: DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions = {},
): string {
  return stringify(value, { ...options, version: "1.1" });
}
