using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace MlNetDkn.Pipelines;

/// <summary>
/// Declares a property of a step's settings record as one of the step's options: its description, the values a
/// string option accepts, and, where the snake_case of the property name is not the option's name, that name. A
/// property with the <c>required</c> modifier (or <see cref="Required"/>) is an option the pipeline must give.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class StepOptionAttribute(string description, params string[] choices) : Attribute
{
    /// <summary>What the option does, shown by the CLI's step listing and in error messages.</summary>
    public string Description { get; } = description;

    /// <summary>The only values a string option accepts; empty when any text is accepted.</summary>
    public IReadOnlyList<string> Choices { get; } = choices;

    /// <summary>The option's name in pipeline files when it is not the snake_case of the property name.</summary>
    public string? Name { get; set; }

    /// <summary>The pipeline must give the option (it has no default).</summary>
    public bool Required { get; set; }
}

/// <summary>
/// The settings-record convention of pipeline steps. Each step's options are the properties of a sealed record
/// (e.g. <c>FindDegenerateNeuronsSettings</c>) marked with <see cref="StepOptionAttribute"/>: the option name is the
/// snake_case of the property name (TLow: t_low) unless the attribute names it; the type follows the property type
/// (int or int?: integer, double or double?: number, bool: boolean, string: string); the default is the value the
/// record's initializer gives (null on a nullable property: "not set"). <see cref="Specs{T}"/> turns the record into
/// the step's <see cref="OptionSpec"/>s in declaration order (a base record's options first), <see cref="Bind{T}"/>
/// reads validated options into the record, and <see cref="ToJson{T}(T, bool)"/> writes a record back as step
/// options (or, <see cref="ToJson{T}(T, Expression{Func{T, object}}[])"/>, the options a command sets).
/// </summary>
public static class StepSettings
{
    static readonly ConcurrentDictionary<Type, IReadOnlyList<Member>> Cache = new();

    /// <summary>The options a settings record declares, keyed by name, in declaration order.</summary>
    public static IReadOnlyDictionary<string, OptionSpec> Specs<T>()
        where T : class => Members(typeof(T)).ToDictionary(m => m.Name, m => m.Spec);

    /// <summary>The snake_case option name of a PascalCase property name (MaxPerRelation: max_per_relation).</summary>
    public static string OptionName(string propertyName)
    {
        var name = new StringBuilder();
        for (int i = 0; i < propertyName.Length; i++)
        {
            var ch = propertyName[i];
            if (char.IsUpper(ch) && i > 0)
                name.Append('_');
            name.Append(char.ToLowerInvariant(ch));
        }
        return name.ToString();
    }

    /// <summary>The record holding the validated options: each property set from the option of its name (an unset
    /// optional option leaves null). Throws when the options lack one of the record's options.</summary>
    public static T Bind<T>(ResolvedOptions options)
        where T : class
    {
        var settings = Activator.CreateInstance<T>();
        foreach (var m in Members(typeof(T)))
        {
            if (!options.Values.TryGetValue(m.Name, out var value))
                throw new InvalidOperationException($"step {options.StepName}: option '{m.Name}' is not declared");
            if (value is null && m.Property.PropertyType.IsValueType && !m.Nullable)
                throw new InvalidOperationException(
                    $"step {options.StepName}: option '{m.Name}' is unset, not {m.Property.PropertyType.Name}"
                );
            m.Property.SetValue(settings, value);
        }
        return settings;
    }

    /// <summary>Every option of the record with its value (int, double, bool, string or null), as the validator
    /// resolves them.</summary>
    public static ResolvedOptions ToResolved<T>(string stepName, T settings)
        where T : class =>
        new(stepName, Members(typeof(T)).ToDictionary(m => m.Name, m => m.Property.GetValue(settings)));

    /// <summary>The record as a step's JSON options, keys sorted (the JSON <see cref="ResolvedOptions.ToJson"/> gives
    /// the validated options); with <paramref name="changedOnly"/>, only the options whose value differs from the
    /// record's default, as a pipeline file states them.</summary>
    public static JsonObject ToJson<T>(T settings, bool changedOnly = false)
        where T : class
    {
        var json = ToResolved("settings", settings).ToJson();
        if (changedOnly)
            foreach (var m in Members(typeof(T)).Where(m => Equals(m.Property.GetValue(settings), m.Spec.Default)))
                json.Remove(m.Name);
        return json;
    }

    /// <summary>The <paramref name="given"/> options of the record as a step's JSON options, in the order given and
    /// leaving out those that are null (unset): how a command writes the options it sets into the pipeline it
    /// runs.</summary>
    /// <param name="settings">The record holding the values.</param>
    /// <param name="given">Each a property of the record (<c>s =&gt; s.Preset</c>).</param>
    public static JsonObject ToJson<T>(T settings, params Expression<Func<T, object?>>[] given)
        where T : class
    {
        var json = new JsonObject();
        foreach (var selector in given)
        {
            var body = selector.Body is UnaryExpression { NodeType: ExpressionType.Convert } u
                ? u.Operand
                : selector.Body;
            var member = body is MemberExpression { Member: PropertyInfo p }
                ? Members(typeof(T)).SingleOrDefault(m => m.Property.Name == p.Name)
                : null;
            if (member is null)
                throw new ArgumentException($"{selector}: not an option of {typeof(T).Name}", nameof(given));
            if (member.Property.GetValue(settings) is { } value)
                json[member.Name] = value switch
                {
                    int i => i,
                    double d => d,
                    bool b => b,
                    string text => text,
                    _ => value.ToString(),
                };
        }
        return json;
    }

    static IReadOnlyList<Member> Members(Type type) => Cache.GetOrAdd(type, Describe);

    static IReadOnlyList<Member> Describe(Type type)
    {
        var defaults = Activator.CreateInstance(type)!;
        var hierarchy = new List<Type>();
        for (var t = type; t != null && t != typeof(object); t = t.BaseType)
            hierarchy.Insert(0, t);
        var members = new List<Member>();
        foreach (var declaring in hierarchy)
        foreach (
            var p in declaring
                .GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .OrderBy(p => p.MetadataToken)
        )
        {
            if (p.GetCustomAttribute<StepOptionAttribute>() is not { } attribute)
                continue;
            var property = p;
            var underlying = Nullable.GetUnderlyingType(property.PropertyType);
            var kind = (underlying ?? property.PropertyType) switch
            {
                var t when t == typeof(int) => OptionType.Integer,
                var t when t == typeof(double) => OptionType.Number,
                var t when t == typeof(bool) => OptionType.Boolean,
                var t when t == typeof(string) => OptionType.String,
                var t => throw new InvalidOperationException(
                    $"{type.Name}.{p.Name}: a step option is int, double, bool or string, not {t.Name}"
                ),
            };
            bool required =
                attribute.Required
                || property.CustomAttributes.Any(a => a.AttributeType.Name == "RequiredMemberAttribute");
            var spec = new OptionSpec(
                kind,
                required ? null : property.GetValue(defaults),
                attribute.Description,
                required,
                attribute.Choices.Count > 0 ? attribute.Choices : null
            );
            members.Add(new Member(attribute.Name ?? OptionName(p.Name), property, spec, underlying != null));
        }
        return members;
    }

    sealed record Member(string Name, PropertyInfo Property, OptionSpec Spec, bool Nullable);
}
