"""The bundled lesson library: YAML files by topic, shipped as the data package studybuddy.bundled_lessons."""
