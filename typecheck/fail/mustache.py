from lcel.prompts import ChatPromptTemplate, PromptTemplate

PromptTemplate.from_template("{{ x }}", template_format="jinja2")  # E: [arg-type]
ChatPromptTemplate.from_template("{{ x }}", template_format="jinja2")  # E: [arg-type]
ChatPromptTemplate.from_messages([("human", "{{x}}")], template_format="handlebars")  # E: [arg-type]
PromptTemplate.from_template("{{x}}", template_format="mustache").invoke("x")  # E: [arg-type]
